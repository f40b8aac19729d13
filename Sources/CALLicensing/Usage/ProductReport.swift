import CALCore
import Foundation

/// One product and license type in the license server's usage report.
public struct ProductReport: Hashable, Sendable, Codable {
    /// The product.
    public var product: String
    /// `per-device` or `per-user`.
    public var licenseType: LicenseType
    /// CALs purchased (installed packs).
    public var purchased: Int
    /// Permanent licenses issued in the period (renewals and transfers included).
    public var permanentIssued: Int
    /// Permanent licenses valid now (not expired, revoked or superseded).
    public var permanentActive: Int
    /// Temporary licenses valid now and not replaced.
    public var temporaryOutstanding: Int
    /// Seats free now (per device); purchased minus active for per user, floored at 0.
    public var seatsFree: Int
    /// Seats reclaimed from expired licenses in the period.
    public var seatsReclaimed: Int
    /// Distinct users served in the period (per user; 0 for per device).
    public var distinctUsers: Int
    /// Whether more distinct users were served than were purchased (per user).
    public var overUse: Bool

    /// Creates the figures (the ledger computes them).
    public init(product: String, licenseType: LicenseType, purchased: Int, permanentIssued: Int, permanentActive: Int, temporaryOutstanding: Int, seatsFree: Int, seatsReclaimed: Int, distinctUsers: Int, overUse: Bool) {
        self.product = product
        self.licenseType = licenseType
        self.purchased = purchased
        self.permanentIssued = permanentIssued
        self.permanentActive = permanentActive
        self.temporaryOutstanding = temporaryOutstanding
        self.seatsFree = seatsFree
        self.seatsReclaimed = seatsReclaimed
        self.distinctUsers = distinctUsers
        self.overUse = overUse
    }
}
