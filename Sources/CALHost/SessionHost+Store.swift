import CALCore
internal import CALStore
import Foundation

/// Where a session host keeps its state: the SQLite file in its home, or a PostgreSQL schema
/// of its own (one host per schema, which records the host it belongs to).
extension SessionHost {
    /// The store a home names: its PostgreSQL schema (which must belong to this host), else its SQLite file.
    static func openStore(of home: RoleHome) throws -> any HostStore {
        guard let database = home.manifest.database else { return try SQLiteHostStore(path: home.file(Files.store)) }
        return try PostgresHostStore.open(url: database, for: "host \(home.manifest.id ?? "")")
    }
}
