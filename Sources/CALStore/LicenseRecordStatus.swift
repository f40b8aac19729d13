/// What the store knows of one serial: that it issued it, and whether it was revoked.
public struct LicenseRecordStatus: Hashable, Sendable {
    /// The revocation, if the license was revoked.
    public var revocation: RevocationEntry?
}

/// One read of what an OCSP answer needs: whether its issuer may still sign, and the serials.
public struct IssuerRevocationStatus: Sendable {
    /// The issuer's state; nil if the store does not know the issuer.
    public var issuerStatus: IssuerRecord.Status?
    /// What the store knows of each serial asked about (absent: never issued here).
    public var licenses: [String: LicenseRecordStatus]
}
