import CALCore
import X509

/// A key the server signs with and the certificate that names it: the active issuer, or a
/// retired one still signing CRLs and OCSP responses for the licenses it issued.
struct Issuer: Sendable {
    /// The license-server certificate.
    let certificate: Certificate
    /// Its private key.
    let key: Certificate.PrivateKey
    /// The key identifier the store records licenses against.
    let keyID: String
    /// Its licenses' signer: what they share encoded once (with the server's revocation pointers).
    let signer: ClientLicenseSigner
    /// How OCSP CertIDs name it, hashed once.
    let ocspHashes: OCSPIssuerHashes

    init(certificate: Certificate, key: Certificate.PrivateKey, revocationPointers: RevocationPointers?) throws {
        self.certificate = certificate
        self.key = key
        signer = try ClientLicenseSigner(issuer: certificate, issuerKey: key, revocationPointers: revocationPointers)
        ocspHashes = try OCSPIssuerHashes(of: certificate)
        // The certificate's own subject key identifier when it has one (CALKit's always do).
        if let identifier = try? certificate.extensions.subjectKeyIdentifier?.keyIdentifier {
            keyID = SerialNumbers.hex(identifier)
        } else {
            keyID = certificate.publicKey.keyIdentifier
        }
    }
}
