import Foundation
import GRDB

/// A revoked license as the CRL lists it.
public struct RevocationEntry: Hashable, Sendable, Codable {
    /// Serial number, lower-case hex.
    public var serial: String
    /// When it was revoked.
    public var revokedAt: Date
    /// The RFC 5280 reason code.
    public var reason: Int

    /// The entry as a CRL signer takes it.
    public var crlRecord: (serialHex: String, revokedAt: Date, reasonCode: Int) { (serial, revokedAt, reason) }
}

extension RevocationEntry {
    /// An entry from a row with `serial`, `revoked_at` and `revocation_reason` columns.
    init(row: Row) {
        serial = row["serial"]
        revokedAt = Date(timeIntervalSince1970: row["revoked_at"])
        reason = row["revocation_reason"] ?? 0
    }
}
