import Foundation
import SwiftASN1
@_spi(CMS) @_spi(FixedExpiryValidationTime) import X509

/// CMS SignedData with attached content, as CALKit signs key packs and transfer grants.
///
/// swift-certificates signs and verifies the CMS layer; this type adds what it does not give:
/// reading the attached content back, and turning its verdicts into ``CALError``s.
public enum SignedEnvelope {
    /// Signs `content` as attached CMS SignedData, carrying the signer's certificate and a
    /// signing time, so that `openssl cms -verify` can check it.
    public static func sign(
        _ content: [UInt8],
        certificate: Certificate,
        key: Certificate.PrivateKey,
        signingTime: Date
    ) throws -> [UInt8] {
        try CMS.sign(
            content,
            signatureAlgorithm: try key.calkitSignatureAlgorithm,
            certificate: certificate,
            privateKey: key,
            signingTime: signingTime,
            detached: false
        )
    }

    /// The SignedData ``sign(_:certificate:key:signingTime:)`` writes for `content`, rebuilt
    /// with a signature read out by telephone instead of made with the key. Its signature is
    /// not checked here; ``verify(_:anchor:at:what:invalid:)`` checks it like any other.
    public static func rebuild(
        _ content: [UInt8],
        certificate: Certificate,
        signingTime: Date,
        signature: TelephoneSignature
    ) throws -> [UInt8] {
        let unsigned = try sign(content, certificate: certificate, key: try signature.placeholderKey(), signingTime: signingTime)
        return try signature.spliced(into: unsigned)
    }

    /// Verifies attached CMS SignedData whose signer is a signing certificate issued by `anchor`
    /// (see ``SigningCertificateProfile``), valid at `time`, and returns the content. `what` names
    /// the object in errors ("the key pack").
    public static func verify(
        _ bytes: [UInt8],
        anchor: Certificate,
        at time: Date,
        what: String,
        invalid: (String) -> CALError = CALError.packSignatureInvalid
    ) async throws -> [UInt8] {
        let content = try attachedContent(of: bytes, what: what)
        let result = await CMS.isValidAttachedSignature(
            signatureBytes: bytes,
            trustRoots: CertificateStore([anchor])
        ) {
            RFC5280Policy(fixedExpiryValidationTime: time)
        }
        switch result {
        case .success(let valid):
            guard SigningCertificateProfile.isSigner(valid.signer, for: anchor) else {
                throw invalid("\(what) is not signed by a signing certificate of the trusted root")
            }
            return content
        case .failure(.unableToValidateSigner(let failure)):
            throw invalid(
                "its signer does not chain to the trusted root (\(failure.policyFailures.map { $0.policyFailureReason.description }.joined(separator: "; ")))"
            )
        case .failure(.invalidCMSBlock(let block)):
            throw invalid(block.reason.count > 160 ? "the signature does not verify" : block.reason)
        case .failure(let other):
            throw invalid("\(other)")
        }
    }

    /// The attached content (eContent) of DER ContentInfo/SignedData.
    public static func attachedContent(of bytes: [UInt8], what: String) throws -> [UInt8] {
        do {
            let root = try DER.parse(bytes)
            return try DER.sequence(root, identifier: .sequence) { nodes in
                let contentType = try ASN1ObjectIdentifier(derEncoded: &nodes)
                guard contentType == [1, 2, 840, 113549, 1, 7, 2] else {
                    throw ASN1Error.invalidASN1Object(reason: "not CMS SignedData")
                }
                return try DER.explicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node in
                    try DER.sequence(node, identifier: .sequence) { signedData in
                        _ = try Int(derEncoded: &signedData)
                        _ = signedData.next()  // digestAlgorithms
                        let content = try DER.sequence(of: ASN1Any.self, identifier: .sequence, nodes: &signedData)
                        while signedData.next() != nil {}
                        guard content.count == 2 else {
                            throw ASN1Error.invalidASN1Object(reason: "no attached content")
                        }
                        let wrapped = try DER.parse(content[1].derBytes)
                        return try DER.explicitlyTagged(wrapped, tagNumber: 0, tagClass: .contextSpecific) { inner in
                            Array(try ASN1OctetString(derEncoded: inner).bytes)
                        }
                    }
                }
            }
        } catch let error as CALError {
            throw error
        } catch {
            throw CALError.malformed(what: what, reason: "not CMS SignedData with attached content (\(error))")
        }
    }
}

extension ASN1Any {
    /// The DER encoding of this element.
    var derBytes: [UInt8] {
        var serializer = DER.Serializer()
        try? serializer.serialize(self)
        return serializer.serializedBytes
    }
}
