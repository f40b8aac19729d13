import X509

/// A license the server just minted: the certificate, its issuing chain, and the ledger's record.
public struct IssuedCertificate: Sendable {
    /// The client license certificate.
    public var certificate: Certificate
    /// The license server's certificate, which the client needs to verify the license.
    public var issuer: Certificate
    /// What the ledger recorded before the certificate left the server.
    public var record: LicenseRecord
}
