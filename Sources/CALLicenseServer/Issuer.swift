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

    init(certificate: Certificate, key: Certificate.PrivateKey) {
        self.certificate = certificate
        self.key = key
        // The certificate's own subject key identifier when it has one (CALKit's always do).
        if let identifier = try? certificate.extensions.subjectKeyIdentifier?.keyIdentifier {
            keyID = SerialNumbers.hex(identifier)
        } else {
            keyID = certificate.publicKey.keyIdentifier
        }
    }
}
