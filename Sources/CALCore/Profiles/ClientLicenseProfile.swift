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
        /// `publicKey`'s SubjectPublicKeyInfo as its request carried it
        /// (``ClientLicenseRequest/publicKeyInfo(of:)``), so it is not encoded again; nil to encode it.
        public var publicKeyInfo: [UInt8]?

        /// Collects the contents of a license certificate.
        public init(
            publicKey: Certificate.PublicKey,
            subject: LicenseSubject,
            license: LicenseExtension,
            serialNumber: Certificate.SerialNumber,
            notBefore: Date,
            notAfter: Date,
            revocationPointers: RevocationPointers? = nil,
            publicKeyInfo: [UInt8]? = nil
        ) {
            self.publicKeyInfo = publicKeyInfo
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
        let signer = try ClientLicenseSigner(issuer: issuer, issuerKey: issuerKey, revocationPointers: contents.revocationPointers)
        return try Certificate(derEncoded: try signer.sign(contents))
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
            // What CALKit writes is read by comparing bytes; anything else is parsed.
            let extensions = certificate.extensions
            let standard = StandardExtensions.shared
            constraints = try Self.holds(extensions, standard?.basicConstraints) ? .notCertificateAuthority : extensions.basicConstraints
            usage = try Self.holds(extensions, standard?.keyUsage) ? KeyUsage(digitalSignature: true) : extensions.keyUsage
            purposes = try Self.holds(extensions, standard?.extendedKeyUsage) ? standard?.clientLicenseUsage : extensions.extendedKeyUsage
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

    /// Whether `extensions` hold `standard`'s value under its OID.
    private static func holds(_ extensions: Certificate.Extensions, _ standard: Certificate.Extension?) -> Bool {
        guard let standard, let found = extensions[oid: standard.oid] else { return false }
        return found.value == standard.value
    }

    /// The constraints, key usage and extended key usage every license carries, encoded once:
    /// the signer writes them, the check recognises them by their bytes without parsing.
    struct StandardExtensions: Sendable {
        let basicConstraints: Certificate.Extension
        let keyUsage: Certificate.Extension
        let extendedKeyUsage: Certificate.Extension
        let clientLicenseUsage: ExtendedKeyUsage

        static let shared: StandardExtensions? = {
            guard let clientLicenseUsage = try? ExtendedKeyUsage([ExtendedKeyUsage.Usage(oid: CALKitOID.clientLicenseKeyPurpose)]),
                let basicConstraints = try? Certificate.Extension(BasicConstraints.notCertificateAuthority, critical: true),
                let keyUsage = try? Certificate.Extension(KeyUsage(digitalSignature: true), critical: true),
                let extendedKeyUsage = try? Certificate.Extension(clientLicenseUsage, critical: false)
            else { return nil }
            return StandardExtensions(
                basicConstraints: basicConstraints, keyUsage: keyUsage, extendedKeyUsage: extendedKeyUsage, clientLicenseUsage: clientLicenseUsage
            )
        }()
    }
}
