import CALCore
internal import CALStore
import Foundation

/// Where a clearinghouse keeps its ledger: the SQLite file in its home, or a PostgreSQL schema
/// of its own (one clearinghouse per schema, which records the clearinghouse it belongs to).
extension Clearinghouse {
    /// The store a home names: its PostgreSQL schema (which must belong to this clearinghouse),
    /// else its SQLite file.
    static func openStore(_ home: RoleHome) throws -> any ClearinghouseStore {
        guard let database = home.manifest.database else { return try SQLiteClearinghouseStore(path: home.file(Files.store)) }
        return try PostgresClearinghouseStore.open(url: database, for: "clearinghouse \(home.manifest.id ?? "")")
    }
}
