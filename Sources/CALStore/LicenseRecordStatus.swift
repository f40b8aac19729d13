/// What the store knows of one serial: that it issued it, and whether it was revoked.
public struct LicenseRecordStatus: Hashable, Sendable {
    /// The revocation, if the license was revoked.
    public var revocation: RevocationEntry?
}
