import CALCore
internal import CALStore
import Foundation

/// Where a clearinghouse keeps its ledger: the SQLite file in its home, or a PostgreSQL schema
/// of its own (one clearinghouse per schema; the ledger records the root it belongs to).
extension Clearinghouse {
    /// The store a home names: its PostgreSQL schema, else its SQLite file.
    static func openStore(_ home: RoleHome) throws -> any ClearinghouseStore {
        guard let database = home.manifest.database else { return try SQLiteClearinghouseStore(path: home.file(Files.store)) }
        return try PostgresClearinghouseStore(location: try PostgresLocation(url: database))
    }

    /// Checks that the PostgreSQL ledger at `url` holds no clearinghouse yet; returns its URL
    /// with the schema named, as the home records it.
    static func unclaimedStore(at url: String) throws -> String {
        let store = try PostgresClearinghouseStore(location: try PostgresLocation(url: url))
        defer { store.close() }
        if let owner = try store.roots().first {
            throw CALError.invalidArgument(
                "the database's schema \(store.location.schema ?? "") holds the clearinghouse of root \(owner.keyID) already; name another schema in the URL (?schema=NAME)"
            )
        }
        return store.location.description
    }

    /// Refuses a ledger whose roots do not include this home's active root (another
    /// clearinghouse's); a new ledger takes the root when it is registered.
    func claimStore() throws {
        let roots = try records { try $0.roots() }
        guard roots.isEmpty || roots.contains(where: { $0.keyID == active.keyID }) else {
            throw CALError.invalidArgument("the ledger this home names belongs to another clearinghouse (root \(roots[0].keyID))")
        }
    }
}
