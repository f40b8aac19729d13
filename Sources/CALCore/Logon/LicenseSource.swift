/// Where a session host gets licenses for its clients, and what it needs to check them: a
/// license server in the same process (its home folder) or over HTTP. Everything else about the
/// server stays behind it.
public protocol LicenseSource: Sendable {
    /// Decides and, where the rules allow, issues a license for a client at logon. Throws only
    /// when the source cannot be reached or fails; a decision not to issue is a ``LicenseGrant/refused(_:)``.
    func requestLicense(_ request: LicenseRequest) async throws -> LicenseGrant

    /// The server's current CRLs, one per issuer key that still publishes, so that the host
    /// refuses a revoked license whatever the server answers at logon.
    func revocationLists() async throws -> [CertificateRevocationList]

    /// The key packs installed on the server, each as the clearinghouse signed it (CMS, DER):
    /// what backs its permanent CALs. The host verifies them itself.
    func signedKeyPacks() async throws -> [[UInt8]]
}
