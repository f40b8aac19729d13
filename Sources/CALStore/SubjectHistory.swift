import CALCore
import Foundation

/// What a logon decision knew of its subject's licenses when it was made: how many the ledger
/// held for the device or user in this mode, and how many of them were revoked or superseded.
///
/// The logon flow reads the subject's history, decides, then issues. A change that carries the
/// history it decided on is refused with ``SubjectHistory/Changed`` when another request (on
/// this node or another) changed that subject's licenses in between, so that the decision is
/// made again on what is now true: one device asking everywhere at once gets one temporary
/// license and takes one seat, never one per request.
public struct SubjectHistory: Sendable, Hashable {
    /// The device or user.
    public var subjectName: String
    /// The mode.
    public var licenseType: LicenseType
    /// Licenses held, ever.
    public var licenses: Int
    /// How many of them are revoked.
    public var revoked: Int
    /// How many of them were superseded (renewed, replaced, upgraded).
    public var superseded: Int

    /// The history as counted from the subject's licenses (every one, of this mode).
    public init(subjectName: String, licenseType: LicenseType, history: [IssuedLicense]) {
        self.init(
            subjectName: subjectName, licenseType: licenseType, licenses: history.count, revoked: history.filter { $0.revokedAt != nil }.count,
            superseded: history.filter { $0.supersededBy != nil }.count
        )
    }

    /// The history as a store counts it.
    public init(subjectName: String, licenseType: LicenseType, licenses: Int, revoked: Int, superseded: Int) {
        self.subjectName = subjectName
        self.licenseType = licenseType
        self.licenses = licenses
        self.revoked = revoked
        self.superseded = superseded
    }

    /// The subject's licenses changed after the decision was made; decide again.
    public struct Changed: Error, Sendable, CustomStringConvertible {
        /// The subject whose licenses changed.
        public var subjectName: String
        public var description: String { "the licenses of \(subjectName) changed while a request for it was decided" }
    }

    /// Refuses with ``Changed`` unless `current` is this history.
    func check(against current: SubjectHistory) throws {
        guard current == self else { throw Changed(subjectName: subjectName) }
    }
}
