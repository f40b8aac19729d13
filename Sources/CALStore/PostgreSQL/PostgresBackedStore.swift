import CALCore
import Foundation

/// A store whose ledger is a PostgreSQL schema: what every such store offers alike — where it
/// is, the claim a home makes on it, and closing its connections.
public protocol PostgresBackedStore: AnyObject, Sendable {
    /// The schema the store's tables live in unless the URL names one.
    static var defaultSchema: String { get }
    /// The ledger the store reads and writes.
    var ledger: PostgresLedger { get }
    /// Connects to the ledger at `location`, bringing its schema up to date.
    init(location: PostgresLocation) throws
}

extension PostgresBackedStore {
    /// Checks that the schema at `url` holds no ledger yet; returns the URL with the schema
    /// named, as a new home records it.
    public static func unclaimed(_ url: String) throws -> String {
        try PostgresLedger.unclaimed(url, defaultSchema: defaultSchema)
    }

    /// Records that this ledger belongs to `owner` (the role and its id), or refuses it when it
    /// belongs to another.
    public func claim(for owner: String) throws { try ledger.claim(for: owner) }

    /// The ledger at `url` (a home's recorded URL), opened for `owner` (the role and its id): a
    /// ledger that belongs to another is refused, so a home pointed at another's schema does
    /// not open, and the connections it made are closed.
    public static func open(url: String, for owner: String) throws -> Self {
        let store = try Self(location: try PostgresLocation(url: url))
        do {
            try store.claim(for: owner)
        } catch {
            store.close()
            throw error
        }
        return store
    }

    /// Where the ledger is, with its schema.
    public var location: PostgresLocation { ledger.location }

    /// Closes the store's connections.
    public func close() { ledger.close() }
}
