import SwiftASN1
import X509

/// The certificate signing request a client sends for a license: proof that it holds its key,
/// and the device id (subject CN) or user principal (subject CN plus a UPN subjectAltName).
public enum ClientLicenseRequest {
    /// A signed request for a license bound to `subject`; after a re-key it carries the
    /// `continuity` from the client's previous key, so its license can follow it.
    public static func make(
        for subject: LicenseSubject,
        key: Certificate.PrivateKey,
        continuity: KeyContinuity? = nil
    ) throws -> CertificateSigningRequest {
        var attributes = CertificateSigningRequest.Attributes()
        if let continuity { attributes.insert(try continuity.attribute()) }
        if case .user(let upn) = subject {
            let name = GeneralName.otherName(
                GeneralName.OtherName(typeID: CALKitOID.userPrincipalName, value: try ASN1Any(erasing: ASN1UTF8String(upn)))
            )
            let extensions = try Certificate.Extensions { SubjectAlternativeNames([name]) }
            attributes.insert(try CertificateSigningRequest.Attribute(ExtensionRequest(extensions: extensions)))
        }
        return try CertificateSigningRequest(
            version: .v1,
            subject: try SubjectNames.commonName(subject.name),
            privateKey: key,
            attributes: attributes
        )
    }

    /// The request's SubjectPublicKeyInfo exactly as the client encoded it, when that is the
    /// encoding swift-certificates would give the key (an elliptic-curve point uncompressed; any
    /// other key's DER is canonical already): a license then carries it without the key being
    /// converted and encoded again. Nil otherwise (the key is then encoded from its value).
    public static func publicKeyInfo(of request: CertificateSigningRequest) -> [UInt8]? {
        guard let requestBytes = try? request.derBytes(),
            let info = DERBytes.children(of: requestBytes[...])?.first,
            let infoChildren = DERBytes.children(of: info), infoChildren.count >= 3,
            let keyBits = DERBytes.lastChildContents(of: Array(infoChildren[2]))
        else { return nil }
        let keyType = try? KeyType(of: request.publicKey)
        if keyType == .p256 || keyType == .p384 {
            guard keyBits.count > 2, keyBits[keyBits.startIndex] == 0, keyBits[keyBits.startIndex + 1] == 0x04 else { return nil }
        }
        return Array(infoChildren[2])
    }

    /// Checks a client's request and reads whom it asks a license for.
    ///
    /// Throws when the signature does not verify (no proof of possession), the key is not
    /// supported, or the request is not a client's (it names no device or user).
    public static func subject(of request: CertificateSigningRequest) throws -> LicenseSubject {
        guard request.publicKey.isValidSignature(request.signature, for: request) else {
            throw CALError.requestSignatureInvalid
        }
        _ = try KeyType(of: request.publicKey)
        guard let name = SubjectNames.commonName(of: request.subject) else {
            throw CALError.requestNotAcceptable("the subject has no common name (device id or user principal)")
        }
        if SubjectNames.licenseServerID(of: request.subject) != nil {
            throw CALError.requestNotAcceptable("this is a license server's activation request, not a client's")
        }
        try LicenseSubject.validate(name, as: "the subject name")
        let extensions: Certificate.Extensions?
        do {
            extensions = try request.attributes.extensionRequest?.extensions
        } catch {
            throw CALError.malformed(what: "the request's extension request", reason: CALError.reason(describing: error))
        }
        guard let names = try? extensions?.subjectAlternativeNames else { return .device(name) }
        for generalName in names {
            if case .otherName(let other) = generalName, other.typeID == CALKitOID.userPrincipalName,
                let value = other.value, let upn = try? ASN1UTF8String(asn1Any: value)
            {
                guard String(upn) == name else {
                    throw CALError.requestNotAcceptable("the user principal and the subject name differ")
                }
                return .user(name)
            }
        }
        return .device(name)
    }
}
