import CALCore
import Foundation

/// Enrolled session hosts, as ``SQLiteLicenseServerStore`` keeps them.
extension InMemoryLicenseServerStore {
    public func enroll(_ host: EnrolledHost, now: Date) throws {
        try write { state in
            guard !state.hosts.contains(where: { $0.name == host.name && $0.removedAt == nil }) else {
                throw CALError.invalidArgument("a host named \(host.name) is enrolled already; remove it first to enroll it again")
            }
            state.hosts.append(host)
            try state.append(at: now, event: "host-enrolled", subject: host.hostID, detail: host.name)
        }
    }

    public func removeHost(named name: String, now: Date) throws -> EnrolledHost {
        try write { state in
            guard let index = state.hosts.firstIndex(where: { $0.name == name && $0.removedAt == nil }) else {
                throw CALError.invalidArgument("no enrolled host is named \(name)")
            }
            state.hosts[index].removedAt = now
            try state.append(at: now, event: "host-removed", subject: state.hosts[index].hostID, detail: name)
            return state.hosts[index]
        }
    }

    public func host(id: String) throws -> EnrolledHost? { read { $0.hosts.first { $0.hostID == id } } }

    public func hosts() throws -> [EnrolledHost] { read(\.hosts) }
}
