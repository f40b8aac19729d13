import CALCore
internal import CALStore
import Foundation

/// Host enrolment: a bearer credential per session host, checked on every license request.
///
/// A credential reads `calkit-host.ID.SECRET`: the id names the host (and keys its rate limit),
/// the secret (32 random bytes) proves it; the server keeps only the secret's SHA-256 and
/// compares it in constant time. Removing the host withdraws the credential at once.
extension LicenseServer {
    /// The credential prefix, so a credential file is recognisable.
    static let credentialPrefix = "calkit-host"

    /// Enrolls a session host named `name` and returns its credential: the only copy, to give to that host.
    public func enrollHost(name: String) throws -> (enrolment: HostEnrolment, credential: String) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(trimmed.count), !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw CALError.invalidArgument("a host name is 1 to 64 printable characters")
        }
        var generator = SystemRandomNumberGenerator()
        let id = SerialNumbers.hex((0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let secret = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let host = EnrolledHost(hostID: id, name: trimmed, secretHash: SecretDigest(of: secret).hex, enrolledAt: time.now)
        try records { try $0.enroll(host, now: time.now) }
        return (HostEnrolment(host), "\(Self.credentialPrefix).\(id).\(secret)")
    }

    /// Withdraws the credential of the host named `name`; its next request is refused.
    public func removeHost(name: String) throws -> HostEnrolment {
        HostEnrolment(try records { try $0.removeHost(named: name, now: time.now) })
    }

    /// Every host ever enrolled, oldest first, removed ones included.
    public func enrolledHosts() throws -> [HostEnrolment] {
        try records { try $0.hosts() }.map(HostEnrolment.init)
    }

    /// The enrolled host `credential` belongs to, or ``CALError/Code/unauthorized`` when it is
    /// malformed, unknown, wrong or withdrawn (the same answer for each, so a guess learns nothing).
    public func authenticateHost(credential: String) throws -> HostEnrolment {
        let refused = CALError(.unauthorized, "the host credential is not valid for this license server")
        let parts = credential.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.credentialPrefix, let host = try records({ try $0.host(id: String(parts[1])) }) else {
            throw refused
        }
        guard let stored = SecretDigest(hex: host.secretHash), stored.matches(String(parts[2])), host.removedAt == nil else { throw refused }
        return HostEnrolment(host)
    }
}

extension HostEnrolment {
    init(_ host: EnrolledHost) {
        self.init(hostID: host.hostID, name: host.name, enrolledAt: host.enrolledAt, removedAt: host.removedAt)
    }
}
