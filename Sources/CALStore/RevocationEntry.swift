import CALCore
import Foundation
import GRDB

/// A revoked license as the CRL lists it.
public struct RevocationEntry: Hashable, Sendable, Codable {
    /// Serial number, lower-case hex.
    public var serial: String
    /// When it was revoked.
    public var revokedAt: Date
    /// Why.
    public var reason: RevocationReason
}

extension RevocationEntry {
    /// An entry from a row with `serial`, `revoked_at` and `revocation_reason` columns.
    init(row: Row) throws {
        serial = try row.value("serial")
        revokedAt = Date(timeIntervalSince1970: try row.value("revoked_at"))
        reason = try row.enumeration("revocation_reason") ?? .unspecified
    }
}
