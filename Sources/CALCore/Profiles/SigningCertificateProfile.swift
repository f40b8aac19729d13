import Foundation
import X509

/// The clearinghouse's signing certificate: the end-entity certificate, issued by the root, that
/// signs key packs and transfer grants.
///
/// The root itself only signs certificates and CRLs (keyCertSign, cRLSign), as RFC 5280 practice
/// asks; CMS signers are end entities with digitalSignature, which is what `openssl cms -verify`
/// checks for. OpenSSL 3.0 cannot sign or verify EdDSA in CMS, so an Ed25519 root gets a P-256
/// signing key (see ``KeyType/cmsSigningKeyType``).
public enum SigningCertificateProfile {
    /// The signing certificate for `key`, valid as long as the root.
    public static func makeCertificate(
        rootName: String,
        key: Certificate.PrivateKey,
        root: Certificate,
        rootKey: Certificate.PrivateKey,
        notBefore: Date
    ) throws -> Certificate {
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            SubjectKeyIdentifier(hash: key.publicKey)
            AuthorityKeyIdentifier(keyIdentifier: try root.extensions.subjectKeyIdentifier?.keyIdentifier)
        }
        return try Certificate(
            version: .v3,
            serialNumber: SerialNumbers.random(),
            publicKey: key.publicKey,
            notValidBefore: notBefore.wholeSeconds,
            notValidAfter: root.notValidAfter,
            issuer: root.subject,
            subject: try SubjectNames.commonName(String((rootName + " Signing").prefix(64))),
            signatureAlgorithm: try rootKey.calkitSignatureAlgorithm,
            extensions: extensions,
            issuerPrivateKey: rootKey
        )
    }

    /// Whether a certificate may sign CMS content on behalf of `root`: issued by it, not a CA,
    /// with digitalSignature.
    public static func isSigner(_ certificate: Certificate, for root: Certificate) -> Bool {
        guard certificate.issuer == root.subject,
            let constraints = try? certificate.extensions.basicConstraints, constraints == .notCertificateAuthority,
            let usage = try? certificate.extensions.keyUsage, usage.digitalSignature
        else { return false }
        return true
    }
}

extension KeyType {
    /// The key type of the clearinghouse's CMS signing key when the root has this type: the same,
    /// except Ed25519, which OpenSSL 3.0's CMS cannot verify, so P-256 takes its place.
    public var cmsSigningKeyType: KeyType { self == .ed25519 ? .p256 : self }
}
