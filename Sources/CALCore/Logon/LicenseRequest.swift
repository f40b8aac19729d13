import X509

/// What a session host asks a license server on behalf of a client at logon.
public struct LicenseRequest: Sendable {
    /// The client's request, signed by its key (proof of possession).
    public var csr: CertificateSigningRequest
    /// The host's licensing mode.
    public var mode: LicenseType
    /// The product the host serves; the only installed one when nil.
    public var product: String?
    /// The license the client presented, if any (the host has checked its signature chain).
    public var presented: Certificate?

    /// Creates a request.
    public init(csr: CertificateSigningRequest, mode: LicenseType, product: String? = nil, presented: Certificate? = nil) {
        self.csr = csr
        self.mode = mode
        self.product = product
        self.presented = presented
    }
}
