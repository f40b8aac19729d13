import Foundation
import X509

/// The license-server certificate and the activation request (CSR) that asks for it.
///
/// A license server is a CA for client licenses only: CA with pathLen 0, keyCertSign, cRLSign and
/// digitalSignature, SKI and AKI, and its license-server id in the subject's serialNumber.
public enum LicenseServerProfile {
    /// Default lifetime of a license-server certificate, in days.
    public static let defaultDays = 365

    /// The activation request a license server sends to the clearinghouse.
    /// A re-key request carries the `continuity` from the server's current key.
    public static func makeActivationRequest(
        name: String,
        serverID: String,
        key: Certificate.PrivateKey,
        continuity: KeyContinuity? = nil
    ) throws -> CertificateSigningRequest {
        try CertificateSigningRequest(
            version: .v1,
            subject: try SubjectNames.licenseServer(name: name, serverID: serverID),
            privateKey: key,
            attributes: CertificateSigningRequest.Attributes(try continuity.map { [try $0.attribute()] } ?? [])
        )
    }

    /// What an acceptable activation request asks for.
    public struct ActivationRequest: Sendable {
        /// The server's display name (the subject CN).
        public var name: String
        /// The server's license-server id.
        public var serverID: String
        /// The server's public key.
        public var publicKey: Certificate.PublicKey
        /// Present when an activated server asks for a certificate for a new key.
        public var continuity: KeyContinuity?
    }

    /// Checks an activation request's signature and profile.
    public static func checkActivationRequest(_ request: CertificateSigningRequest) throws -> ActivationRequest {
        guard request.publicKey.isValidSignature(request.signature, for: request) else {
            throw CALError.requestSignatureInvalid
        }
        _ = try KeyType(of: request.publicKey)
        guard let name = SubjectNames.commonName(of: request.subject), !name.isEmpty else {
            throw CALError.requestNotAcceptable("the subject has no common name (the license server's name)")
        }
        guard let serverID = SubjectNames.licenseServerID(of: request.subject) else {
            throw CALError.requestNotAcceptable(
                "the subject carries no valid license-server id in its serialNumber (is this a client's request?)"
            )
        }
        return ActivationRequest(name: name, serverID: serverID, publicKey: request.publicKey, continuity: try KeyContinuity(of: request))
    }

    /// The license-server certificate for an accepted activation request, signed by the root;
    /// `notAfter` is `days` after `notBefore`, but never after the root's own.
    public static func makeCertificate(
        for request: ActivationRequest,
        issuer: Certificate,
        issuerKey: Certificate.PrivateKey,
        notBefore: Date,
        days: Int,
        serialNumber: Certificate.SerialNumber = SerialNumbers.random()
    ) throws -> Certificate {
        guard (1...3650).contains(days) else { throw CALError.invalidArgument("the validity must be 1 to 3650 days") }
        let start = notBefore.wholeSeconds
        let end = min(start.addingDays(days), issuer.notValidAfter)
        let issuerKeyID = try issuer.extensions.subjectKeyIdentifier?.keyIdentifier
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: request.publicKey)
            AuthorityKeyIdentifier(keyIdentifier: issuerKeyID)
        }
        return try Certificate(
            version: .v3,
            serialNumber: serialNumber,
            publicKey: request.publicKey,
            notValidBefore: start,
            notValidAfter: end,
            issuer: issuer.subject,
            subject: try SubjectNames.licenseServer(name: request.name, serverID: request.serverID),
            signatureAlgorithm: try issuerKey.calkitSignatureAlgorithm,
            extensions: extensions,
            issuerPrivateKey: issuerKey
        )
    }

    /// The license-server id of a certificate that follows this profile; nil for any other certificate.
    public static func serverID(of certificate: Certificate) -> String? {
        guard let constraints = try? certificate.extensions.basicConstraints,
            case .isCertificateAuthority(let pathLength) = constraints, pathLength == 0,
            let usage = try? certificate.extensions.keyUsage, usage.keyCertSign
        else { return nil }
        return SubjectNames.licenseServerID(of: certificate.subject)
    }
}
