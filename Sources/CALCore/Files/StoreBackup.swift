import Foundation

/// What a backup of a role's ledger holds: where it is, and the audit log's length and head at
/// the moment it was taken, so an administrator can tell later which changes it lacks.
public struct StoreBackup: Sendable, Equatable, Codable {
    /// The backup file.
    public var path: String
    /// When it was taken.
    public var takenAt: Date
    /// The number of audit entries it holds.
    public var entries: Int
    /// The hash of its last audit entry.
    public var head: String

    /// A backup's description.
    public init(path: String, takenAt: Date, entries: Int, head: String) {
        self.path = path
        self.takenAt = takenAt
        self.entries = entries
        self.head = head
    }
}
