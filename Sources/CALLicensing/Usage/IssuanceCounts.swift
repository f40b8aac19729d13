import Foundation

/// Counts of the licenses a server has issued, by type and status.
public struct IssuanceCounts: Hashable, Sendable, Codable {
    /// Every license ever issued.
    public var total: Int
    /// Permanent per-device licenses.
    public var permanentPerDevice: Int
    /// Permanent per-user licenses.
    public var permanentPerUser: Int
    /// Temporary licenses.
    public var temporary: Int

    /// Creates the figures (the ledger computes them).
    public init(total: Int, permanentPerDevice: Int, permanentPerUser: Int, temporary: Int) {
        self.total = total
        self.permanentPerDevice = permanentPerDevice
        self.permanentPerUser = permanentPerUser
        self.temporary = temporary
    }
}
