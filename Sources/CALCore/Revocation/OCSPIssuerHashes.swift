import X509

/// An issuer as OCSP CertIDs name it: the hashes of its name and key under each hash algorithm
/// a CertID may use, computed once. A responder matches every CertID of every request against
/// them, so they are not hashed again (the key not even converted again) per request.
public struct OCSPIssuerHashes: Sendable {
    private let hashes: [OCSPCertificateID.HashAlgorithm: (name: [UInt8], key: [UInt8])]

    /// The hashes of `issuer`'s name and key.
    public init(of issuer: Certificate) throws {
        var hashes: [OCSPCertificateID.HashAlgorithm: (name: [UInt8], key: [UInt8])] = [:]
        for algorithm in [OCSPCertificateID.HashAlgorithm.sha1, .sha256] {
            let own = try OCSPCertificateID(certificate: issuer, issuer: issuer, hashAlgorithm: algorithm)
            hashes[algorithm] = (own.issuerNameHash, own.issuerKeyHash)
        }
        self.hashes = hashes
    }

    /// The SHA-1 of the issuer's key bits: its OCSP ResponderID by key.
    public var sha1KeyHash: [UInt8] { hashes[.sha1]?.key ?? [] }

    /// Whether `certificateID` names a certificate of this issuer.
    public func issued(_ certificateID: OCSPCertificateID) -> Bool {
        guard let own = hashes[certificateID.hashAlgorithm] else { return false }
        return own.name == certificateID.issuerNameHash && own.key == certificateID.issuerKeyHash
    }
}
