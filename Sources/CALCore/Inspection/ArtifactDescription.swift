import Foundation
import SwiftASN1
import X509

/// What `calkit inspect` says about a file: its kind and its fields, in reading order.
public struct ArtifactDescription: Sendable {
    /// The kind of artefact: certificate, certificate-request, key-pack, private-key.
    public var kind: String
    /// Name and value pairs, in the order people read them.
    public var fields: [(name: String, value: String)]
    /// Further certificates in the same file (a chain), described the same way.
    public var more: [ArtifactDescription]

    /// Recognises the bytes of a file and describes them, judging validity at `time`. Never
    /// prints key material.
    public static func describe(_ bytes: [UInt8], path: String, at time: Date) throws -> ArtifactDescription {
        guard !bytes.isEmpty else { throw CALError.malformed(what: path, reason: "the file is empty") }
        if let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN ") {
            let documents = try PEMBundle.documents(in: text, path: path)
            var descriptions = try documents.map { try describe(pem: $0, path: path, at: time) }
            let first = descriptions.removeFirst()
            return ArtifactDescription(kind: first.kind, fields: first.fields, more: descriptions)
        }
        if let certificate = try? Certificate(derEncoded: bytes) { return describe(certificate, at: time) }
        if let request = try? CertificateSigningRequest(derEncoded: bytes) { return describe(request) }
        if let pack = try? KeyPack.unverified(bytes) { return describe(pack) }
        if let grant = try? TransferGrant.unverified(bytes) { return describe(grant) }
        if let list = try? CertificateRevocationList(derEncoded: bytes) { return describe(list) }
        if let response = try? OCSPResponse(derEncoded: bytes) { return describe(response) }
        if let request = try? OCSPRequest(derEncoded: bytes) { return describe(request) }
        throw CALError.malformed(
            what: path,
            reason: "not a certificate, certificate request, key pack, CRL or OCSP request or response (PEM or DER)"
        )
    }

    private static func describe(pem document: PEMDocument, path: String, at time: Date) throws -> ArtifactDescription {
        do {
            switch document.discriminator {
            case "CERTIFICATE":
                return describe(try Certificate(derEncoded: document.derBytes), at: time)
            case "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST":
                return describe(try CertificateSigningRequest(derEncoded: document.derBytes))
            case "X509 CRL":
                return describe(try CertificateRevocationList(derEncoded: document.derBytes))
            case "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
                return ArtifactDescription(
                    kind: "private-key",
                    fields: [("format", keyFormat(document.discriminator)), ("note", "key material is never printed")],
                    more: []
                )
            default:
                throw CALError.wrongKind(path: path, expected: "a CALKit artefact", found: "a \(document.discriminator)")
            }
        } catch let error as CALError {
            throw error
        } catch {
            throw CALError.malformed(what: "a \(document.discriminator) in \(path)", reason: CALError.reason(describing: error))
        }
    }

    /// Describes a certificate, with every license-extension field when it has one, and whether
    /// it is within its validity at `time`.
    public static func describe(_ certificate: Certificate, at time: Date) -> ArtifactDescription {
        var fields: [(String, String)] = [
            ("subject", SubjectNames.display(certificate.subject)),
            ("issuer", SubjectNames.display(certificate.issuer)),
            ("serial", SerialNumbers.hex(certificate.serialNumber)),
            ("not before", iso(certificate.notValidBefore)),
            ("not after", iso(certificate.notValidAfter)),
            ("validity now", time < certificate.notValidBefore ? "not yet valid" : time > certificate.notValidAfter ? "expired" : "valid"),
            ("key", keyDescription(certificate.publicKey)),
            ("signature", "\(certificate.signatureAlgorithm)".replacingOccurrences(of: "SignatureAlgorithm.", with: "")),
        ]
        let role: String
        if LicenseServerProfile.serverID(of: certificate) != nil {
            role = "license server"
        } else if RootProfile.isCertificateAuthority(certificate) {
            role = certificate.issuer == certificate.subject ? "clearinghouse root" : "certificate authority"
        } else if case .success = ClientLicenseProfile.check(certificate) {
            role = "client license"
        } else {
            role = "other certificate"
        }
        fields.insert(("role", role), at: 0)
        if let serverID = LicenseServerProfile.serverID(of: certificate) {
            fields.append(("license-server id", serverID))
        }
        if let license = try? LicenseExtension(of: certificate) {
            fields += licenseFields(license)
        }
        return ArtifactDescription(kind: "certificate", fields: fields, more: [])
    }

    /// The license extension's fields.
    static func licenseFields(_ license: LicenseExtension) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("license version", String(license.version)),
            ("license type", license.licenseType.rawValue),
            ("license status", license.status.rawValue),
            ("product", license.product),
            ("product version", license.productVersion),
            ("issuing server id", license.licenseServerID),
            ("subject hash", hex(license.subjectHash)),
            ("key pack id", license.keyPackID ?? "(none)"),
        ]
        if let seat = license.seat { fields.append(("seat", String(seat))) }
        if let from = license.transferredFrom { fields.append(("transferred from", hex(from))) }
        return fields
    }

    /// Describes a certificate signing request.
    public static func describe(_ request: CertificateSigningRequest) -> ArtifactDescription {
        let signatureValid = request.publicKey.isValidSignature(request.signature, for: request)
        var fields: [(String, String)] = [
            ("subject", SubjectNames.display(request.subject)),
            ("key", keyDescription(request.publicKey)),
            ("signature", signatureValid ? "valid (proof of possession)" : "INVALID"),
        ]
        if let serverID = SubjectNames.licenseServerID(of: request.subject) {
            fields.insert(("purpose", "license-server activation"), at: 0)
            fields.append(("license-server id", serverID))
        } else if let subject = try? ClientLicenseRequest.subject(of: request) {
            fields.insert(("purpose", "client license request"), at: 0)
            fields.append(("asks for", subject.description))
        }
        if let continuity = try? KeyContinuity(of: request) {
            let holds = continuity.isValid(for: request.publicKey) ? "signed by it" : "signature INVALID"
            fields.append(("re-key from", "\(continuity.previousKey.keyIdentifier) (\(holds))"))
            if continuity.compromised { fields.append(("previous key", "declared compromised")) }
        }
        return ArtifactDescription(kind: "certificate-request", fields: fields, more: [])
    }

    /// Describes a key pack (the signature is not checked here; `install-pack` checks it).
    public static func describe(_ pack: KeyPack) -> ArtifactDescription {
        let content = pack.content
        return ArtifactDescription(
            kind: "key-pack",
            fields: [
                ("key pack id", content.keyPackID),
                ("license server id", content.licenseServerID),
                ("license type", content.licenseType.rawValue),
                ("count", String(content.count)),
                ("product", content.product),
                ("product version", content.productVersion),
                ("agreement", content.agreementNumber),
                ("issued at", iso(content.issuedAt)),
            ] + (content.ledgerID.map { [("reissued for ledger", $0)] } ?? []),
            more: []
        )
    }

    /// Describes a CRL (complete or delta): issuer, dates, number, and every entry with its reason.
    public static func describe(_ list: CertificateRevocationList) -> ArtifactDescription {
        var fields: [(String, String)] = [
            ("issuer", SubjectNames.display(list.issuer)),
            ("this update", iso(list.thisUpdate)),
            ("next update", list.nextUpdate.map(iso) ?? "(none)"),
            ("crl number", list.number.map { hex($0) } ?? "(none)"),
            ("authority key id", list.authorityKeyIdentifier.map { hex($0) } ?? "(none)"),
            ("entries", String(list.entryCount)),
        ]
        if let base = list.baseNumber { fields.insert(("delta of crl number", hex(base)), at: 4) }
        if let freshest = list.freshestCRL { fields.insert(("delta crls at", freshest), at: 4) }
        for entry in list.entries {
            fields.append(("revoked " + hex(entry.serial), iso(entry.revokedAt) + " " + (entry.reason?.name ?? "unspecified")))
        }
        return ArtifactDescription(kind: "crl", fields: fields, more: [])
    }

    /// Describes a transfer grant (the signature is checked by `calkit server transfer`).
    public static func describe(_ grant: TransferGrant) -> ArtifactDescription {
        let content = grant.content
        return ArtifactDescription(
            kind: "transfer-grant",
            fields: [
                ("grant id", content.grantID),
                ("license server id", content.licenseServerID),
                ("old serial", hex(content.oldSerial)),
                ("key pack id", content.keyPackID),
                ("seat", String(content.seat)),
                ("issued at", iso(content.issuedAt)),
            ],
            more: []
        )
    }

    /// Describes an OCSP request: the certificates asked about and the nonce.
    public static func describe(_ request: OCSPRequest) -> ArtifactDescription {
        var fields: [(String, String)] = [("certificates asked", String(request.certificateIDs.count))]
        for id in request.certificateIDs {
            fields.append(("serial " + hex(id.serial), "issuer key hash " + hex(id.issuerKeyHash)))
        }
        fields.append(("nonce", request.nonce.map { hex(Array($0.value)) } ?? "(none)"))
        return ArtifactDescription(kind: "ocsp-request", fields: fields, more: [])
    }

    /// Describes an OCSP response: status, responder, and each certificate's status.
    public static func describe(_ response: OCSPResponse) -> ArtifactDescription {
        var fields: [(String, String)] = [("response status", "\(response.status)")]
        if let producedAt = response.producedAt { fields.append(("produced at", iso(producedAt))) }
        if let keyHash = response.responderKeyHash { fields.append(("responder key hash", hex(keyHash))) }
        if let name = response.responderName { fields.append(("responder", SubjectNames.display(name))) }
        for single in response.responses {
            let status: String
            switch single.status {
            case .good: status = "good"
            case .unknown: status = "unknown"
            case .revoked(let at, let reason): status = "revoked at \(iso(at)) (\(reason?.name ?? "unspecified"))"
            }
            let next = single.nextUpdate.map { ", next update \(iso($0))" } ?? ""
            fields.append(("serial " + hex(single.certificateID.serial), status + next))
        }
        fields.append(("nonce", response.nonce.map { hex(Array($0.value)) } ?? "(none)"))
        return ArtifactDescription(kind: "ocsp-response", fields: fields, more: [])
    }

    private static func keyFormat(_ label: String) -> String {
        switch label {
        case "EC PRIVATE KEY": return "SEC1"
        case "RSA PRIVATE KEY": return "PKCS #1"
        case "ENCRYPTED PRIVATE KEY": return "PKCS #8, encrypted"
        default: return "PKCS #8"
        }
    }

    private static func keyDescription(_ key: Certificate.PublicKey) -> String {
        (try? KeyType(of: key).rawValue) ?? "unsupported"
    }

    private static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    private static func hex(_ bytes: [UInt8]) -> String { SerialNumbers.hex(bytes) }
}
