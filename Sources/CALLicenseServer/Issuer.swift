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
    var keyID: String { certificate.publicKey.keyIdentifier }
}
