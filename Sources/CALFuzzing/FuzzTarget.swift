import CALCore
import CALWire
import Foundation
import SwiftASN1
import X509

/// Every parser a file or a request reaches, as one entry point per kind of input, for
/// libFuzzer (`make fuzz`, the `Fuzz/` package) and for the tests that replay what it found.
///
/// Each entry point feeds arbitrary bytes to the parsers and then to what CALKit does with a
/// parsed value (profile checks, inspection), ignoring the errors they throw: an error is the
/// right answer to hostile input, a crash, a hang or a sanitizer report is a bug.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// PEM text: the bundle reader, and each block inspected as `calkit inspect` would.
    case pem
    /// Any file `calkit inspect` is given (certificate, CSR, key pack, grant, CRL, OCSP, PEM or DER).
    case inspect
    /// A DER certificate: the client-license profile and the license-server id.
    case certificate
    /// A DER certificate signing request: the license subject and the key-continuity attribute.
    case certificateRequest = "csr"
    /// The DER of CALKit's license extension.
    case licenseExtension = "license-extension"
    /// A key pack (CMS) and its DER content.
    case keyPack = "key-pack"
    /// A transfer grant (CMS) and its DER content.
    case transferGrant = "transfer-grant"
    /// A DER CRL.
    case revocationList = "crl"
    /// A DER OCSP request.
    case ocspRequest = "ocsp-request"
    /// A DER OCSP response.
    case ocspResponse = "ocsp-response"
    /// A DER PKCS #8 EncryptedPrivateKeyInfo, and private keys in PEM.
    case encryptedKey = "encrypted-key"
    /// The JSON body of `POST /v1/licenses`.
    case licenseRequest = "license-request"
    /// A signed audit head (CMS around text).
    case auditHead = "audit-head"
    /// Every other JSON body a service or a client reads (CALWire's messages and the error body).
    case wireMessage = "wire-message"
    /// A form body the web pages read, URL-encoded and multipart.
    case form
    /// Groups typed in by telephone, read as each kind of exchange.
    case telephone

    /// Runs the parsers of this target on `bytes`; returns normally whatever they make of them.
    public func run(_ bytes: [UInt8]) {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        switch self {
        case .pem:
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            for document in (try? PEMBundle.documents(in: text, path: "fuzz")) ?? [] {
                _ = try? ArtifactDescription.describe(Array(document.pemString.utf8), path: "fuzz", at: now)
                _ = try? Certificate.PrivateKey(pemDocument: document)
            }
        case .inspect:
            _ = try? ArtifactDescription.describe(bytes, path: "fuzz", at: now)
        case .certificate:
            guard let certificate = try? Certificate(derEncoded: bytes) else { return }
            _ = ClientLicenseProfile.check(certificate)
            _ = LicenseServerProfile.serverID(of: certificate)
            _ = ArtifactDescription.describe(certificate, at: now)
        case .certificateRequest:
            guard let request = try? CertificateSigningRequest(derEncoded: bytes) else { return }
            _ = try? ClientLicenseRequest.subject(of: request)
            _ = try? KeyContinuity(of: request)
            _ = ArtifactDescription.describe(request)
        case .licenseExtension:
            _ = try? LicenseExtension(derEncoded: bytes)
        case .keyPack:
            _ = try? KeyPack.unverified(bytes)
            _ = try? KeyPackContent(derEncoded: bytes)
            _ = try? SignedEnvelope.attachedContent(of: bytes, what: "fuzz")
        case .transferGrant:
            _ = try? TransferGrant.unverified(bytes)
            _ = try? TransferGrantContent(derEncoded: bytes)
        case .revocationList:
            guard let list = try? CertificateRevocationList(derEncoded: bytes) else { return }
            _ = ArtifactDescription.describe(list)
        case .ocspRequest:
            guard let request = try? OCSPRequest(derEncoded: bytes) else { return }
            _ = ArtifactDescription.describe(request)
        case .ocspResponse:
            guard let response = try? OCSPResponse(derEncoded: bytes) else { return }
            _ = ArtifactDescription.describe(response)
        case .encryptedKey:
            _ = try? EncryptedPrivateKey(derEncoded: bytes)
            for type in ["PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"] {
                _ = try? Certificate.PrivateKey(pemDocument: PEMDocument(type: type, derBytes: bytes))
            }
        case .licenseRequest:
            guard let message = try? WireJSON.decode(LicenseRequestMessage.self, from: bytes, what: "fuzz") else { return }
            _ = try? message.request()
        case .auditHead:
            if let content = try? SignedEnvelope.attachedContent(of: bytes, what: "fuzz") {
                _ = try? AuditHead(text: String(decoding: content, as: UTF8.self))
            }
            _ = try? AuditHead(text: String(decoding: bytes, as: UTF8.self))
        case .wireMessage:
            _ = try? WireJSON.decode(RenewalMessage.self, from: bytes, what: "fuzz").request()
            _ = try? WireJSON.decode(RevocationRequestMessage.self, from: bytes, what: "fuzz").revocationReason()
            _ = try? WireJSON.decode(PackOrderMessage.self, from: bytes, what: "fuzz").certificate()
            _ = try? WireJSON.decode(LicenseGrantMessage.self, from: bytes, what: "fuzz").grant()
            _ = try? WireJSON.decode(SignedKeyPacksMessage.self, from: bytes, what: "fuzz")
            _ = try? WireJSON.decode(InstalledPackMessage.self, from: bytes, what: "fuzz")
            _ = try? WireJSON.decode(RevocationMessage.self, from: bytes, what: "fuzz")
            _ = ErrorMessage.error(in: bytes, what: "fuzz")
        case .form:
            _ = try? FormFields(body: bytes, contentType: "application/x-www-form-urlencoded")
            _ = try? FormFields(body: bytes, contentType: "multipart/form-data; boundary=b")
            _ = try? FormFields(body: bytes, contentType: "multipart/form-data; boundary=\"----x\"")
        case .telephone:
            let text = String(decoding: bytes, as: UTF8.self)
            for kind in TelephoneMessage.Kind.allCases {
                _ = try? TelephoneMessage.read(text, expecting: kind)
                _ = try? TelephoneMessage.groupCount(startingWith: String(text.prefix(6)), expecting: kind)
            }
        }
    }
}
