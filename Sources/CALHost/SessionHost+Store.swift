import CALCore
internal import CALStore
import Foundation

/// Where a session host keeps its state: the SQLite file in its home, or a PostgreSQL schema
/// of its own (one host per schema; a store records the host it belongs to).
extension SessionHost {
    /// The setting naming the host a store belongs to.
    static let hostIDSetting = "host-id"

    /// The store a home names: its PostgreSQL schema, else its SQLite file.
    static func openStore(of home: RoleHome) throws -> any HostStore {
        guard let database = home.manifest.database else { return try SQLiteHostStore(path: home.file(Files.store)) }
        return try PostgresHostStore(location: try PostgresLocation(url: database))
    }

    /// Checks that the PostgreSQL store at `url` belongs to no host yet; returns its URL with
    /// the schema named, as the home records it.
    static func unclaimedStore(at url: String) throws -> String {
        let store = try PostgresHostStore(location: try PostgresLocation(url: url))
        defer { store.close() }
        if let owner = try store.setting(hostIDSetting) {
            throw CALError.invalidArgument(
                "the database's schema \(store.location.schema ?? "") holds host \(owner) already; name another schema in the URL (?schema=NAME)"
            )
        }
        return store.location.description
    }

    /// Records this host's id in its store the first time, and refuses a store of another host.
    func claimStore() throws {
        guard let id = home.manifest.id else { return }
        if let owner = try store.setting(Self.hostIDSetting) {
            guard owner == id else { throw CALError.invalidArgument("the store this home names belongs to host \(owner), not to this home's \(id)") }
        } else {
            try store.setSetting(Self.hostIDSetting, id)
        }
    }
}
