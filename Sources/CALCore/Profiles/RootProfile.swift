import Foundation
import X509

/// The clearinghouse root: self-signed, CA, keyCertSign and cRLSign, with a subject key identifier.
public enum RootProfile {
    /// Default lifetime of a root, in years.
    public static let defaultYears = 20

    /// A new self-signed root certificate for `key`.
    public static func makeCertificate(
        name: String,
        key: Certificate.PrivateKey,
        notBefore: Date,
        years: Int
    ) throws -> Certificate {
        guard (1...50).contains(years) else { throw CALError.invalidArgument("the validity must be 1 to 50 years") }
        let subject = try SubjectNames.commonName(name)
        let start = notBefore.wholeSeconds
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: key.publicKey)
        }
        return try Certificate(
            version: .v3,
            serialNumber: SerialNumbers.random(),
            publicKey: key.publicKey,
            notValidBefore: start,
            notValidAfter: start.addingYears(years),
            issuer: subject,
            subject: subject,
            signatureAlgorithm: try key.calkitSignatureAlgorithm,
            extensions: extensions,
            issuerPrivateKey: key
        )
    }

    /// A cross-certificate: `subject`'s name and key, certified by `issuer` with `issuerKey`, so a
    /// party that trusts `issuer` reaches `subject` (and what it issued) through it. Valid from
    /// `notBefore` for as long as both roots are.
    public static func makeCrossCertificate(
        for subject: Certificate,
        issuer: Certificate,
        issuerKey: Certificate.PrivateKey,
        notBefore: Date
    ) throws -> Certificate {
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: subject.publicKey)
            AuthorityKeyIdentifier(keyIdentifier: try issuer.extensions.subjectKeyIdentifier?.keyIdentifier)
        }
        return try Certificate(
            version: .v3,
            serialNumber: SerialNumbers.random(),
            publicKey: subject.publicKey,
            notValidBefore: notBefore.wholeSeconds,
            notValidAfter: min(subject.notValidAfter, issuer.notValidAfter),
            issuer: issuer.subject,
            subject: subject.subject,
            signatureAlgorithm: try issuerKey.calkitSignatureAlgorithm,
            extensions: extensions,
            issuerPrivateKey: issuerKey
        )
    }

    /// Whether a certificate is a CA that may sign certificates (a root or cross-certificate).
    public static func isCertificateAuthority(_ certificate: Certificate) -> Bool {
        guard let constraints = try? certificate.extensions.basicConstraints,
            case .isCertificateAuthority = constraints,
            let usage = try? certificate.extensions.keyUsage, usage.keyCertSign
        else { return false }
        return true
    }
}
