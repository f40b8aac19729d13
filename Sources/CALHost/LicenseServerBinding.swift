import X509

/// The license server a session host is bound to: where to reach it, which server ids it
/// accepts licenses from, and the clearinghouse root those chain to. A host accepts licenses
/// from its bound servers alone.
public struct LicenseServerBinding: Sendable {
    /// The license server's home folder (in this process) or its URL.
    public var location: String
    /// The license-server ids whose licenses the host accepts.
    public var serverIDs: [String]
    /// The clearinghouse roots the host trusts.
    public var trustRoots: [Certificate]
    /// CA certificates an https license server's TLS certificate must chain to, if private.
    public var tlsTrust: [Certificate]
    /// Seconds each attempt to reach a networked license server may take; nil for the default.
    public var requestTimeout: Double?
    /// The credential the license server enrolled this host with, sent with every license request.
    public var credential: String?

    /// Creates a binding.
    public init(
        location: String, serverIDs: [String], trustRoots: [Certificate], tlsTrust: [Certificate] = [], requestTimeout: Double? = nil,
        credential: String? = nil
    ) {
        self.location = location
        self.serverIDs = serverIDs
        self.trustRoots = trustRoots
        self.tlsTrust = tlsTrust
        self.requestTimeout = requestTimeout
        self.credential = credential
    }
}
