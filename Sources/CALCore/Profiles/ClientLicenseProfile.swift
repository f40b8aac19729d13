import Foundation
import SwiftASN1
import X509

/// The client license certificate: CA:FALSE, digitalSignature, id-kp-clientLicense, SKI, AKI and
/// the license extension; subject CN is the device id or user principal; the key is the client's.
public enum ClientLicenseProfile {
    /// Everything that goes into one client license certificate.
    public struct Contents: Sendable {
        /// The client's public key, from its request.
        public var publicKey: Certificate.PublicKey
        /// The device or user the license binds to.
        public var subject: LicenseSubject
        /// The license extension.
        public var license: LicenseExtension
        /// The serial number; random, recorded before the certificate leaves the server.
        public var serialNumber: Certificate.SerialNumber
        /// Start of validity.
        public var notBefore: Date
        /// End of validity.
        public var notAfter: Date
        /// Where its revocation status is published, when the server is served at a public URL.
        public var revocationPointers: RevocationPointers?

        /// Collects the contents of a license certificate.
        public init(
            publicKey: Certificate.PublicKey,
            subject: LicenseSubject,
            license: LicenseExtension,
            serialNumber: Certificate.SerialNumber,
            notBefore: Date,
            notAfter: Date,
            revocationPointers: RevocationPointers? = nil
        ) {
            self.revocationPointers = revocationPointers
            self.publicKey = publicKey
            self.subject = subject
            self.license = license
            self.serialNumber = serialNumber
            self.notBefore = notBefore.wholeSeconds
            self.notAfter = notAfter.wholeSeconds
        }
    }

    /// Signs a client license with the license server's key.
    public static func makeCertificate(
        _ contents: Contents,
        issuer: Certificate,
        issuerKey: Certificate.PrivateKey
    ) throws -> Certificate {
        let issuerKeyID = try issuer.extensions.subjectKeyIdentifier?.keyIdentifier
        let licenseExtension = try contents.license.certificateExtension()
        var extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([ExtendedKeyUsage.Usage(oid: CALKitOID.clientLicenseKeyPurpose)])
            SubjectKeyIdentifier(hash: contents.publicKey)
            AuthorityKeyIdentifier(keyIdentifier: issuerKeyID)
            licenseExtension
        }
        for pointer in try contents.revocationPointers?.extensions() ?? [] { try extensions.append(pointer) }
        return try Certificate(
            version: .v3,
            serialNumber: contents.serialNumber,
            publicKey: contents.publicKey,
            notValidBefore: contents.notBefore,
            notValidAfter: min(contents.notAfter, issuer.notValidAfter),
            issuer: issuer.subject,
            subject: try SubjectNames.commonName(contents.subject.name),
            signatureAlgorithm: try issuerKey.calkitSignatureAlgorithm,
            extensions: extensions,
            issuerPrivateKey: issuerKey
        )
    }

    /// Checks that a certificate is a client license and returns its license extension.
    ///
    /// A CA certificate, a TLS certificate, or anything without id-kp-clientLicense and the license
    /// extension is `not-a-client-license`; a license extension that does not parse is `malformed`.
    public static func check(_ certificate: Certificate) -> Result<LicenseExtension, CALError> {
        let constraints: BasicConstraints?
        let usage: KeyUsage?
        let purposes: ExtendedKeyUsage?
        do {
            constraints = try certificate.extensions.basicConstraints
            usage = try certificate.extensions.keyUsage
            purposes = try certificate.extensions.extendedKeyUsage
        } catch {
            return .failure(CALError(.malformed, "an extension does not parse: \(CALError.reason(describing: error))"))
        }
        if case .isCertificateAuthority = constraints {
            return .failure(CALError(.notAClientLicense, "it is a CA certificate"))
        }
        guard let purposes, purposes.contains(ExtendedKeyUsage.Usage(oid: CALKitOID.clientLicenseKeyPurpose)) else {
            return .failure(
                CALError(.notAClientLicense, "it does not carry the client-license extended key usage")
            )
        }
        guard let usage, usage.digitalSignature, !usage.keyCertSign else {
            return .failure(CALError(.notAClientLicense, "its key usage is not digitalSignature"))
        }
        do {
            guard let license = try LicenseExtension(of: certificate) else {
                return .failure(CALError(.notAClientLicense, "it has no license extension"))
            }
            return .success(license)
        } catch {
            return .failure(CALError(.malformed, "the license extension does not parse: \(CALError.reason(describing: error))"))
        }
    }
}
