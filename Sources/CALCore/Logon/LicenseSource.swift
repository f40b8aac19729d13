/// Where a session host gets licenses for its clients: a license server in the same process
/// (its home folder) now, over the network later. Required: one call; everything else about
/// the server stays behind it.
public protocol LicenseSource: Sendable {
    /// Decides and, where the rules allow, issues a license for a client at logon. Throws only
    /// when the source cannot be reached or fails; a decision not to issue is a ``LicenseGrant/refused(_:)``.
    func requestLicense(_ request: LicenseRequest) async throws -> LicenseGrant
}
