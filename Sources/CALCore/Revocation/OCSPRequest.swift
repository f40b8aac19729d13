import Foundation
import SwiftASN1
import X509

/// An RFC 6960 OCSP request: the certificates asked about and the nonce, if any.
///
/// ```
/// OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT Signature OPTIONAL }
/// TBSRequest  ::= SEQUENCE { version [0] EXPLICIT INTEGER DEFAULT v1, requestorName [1] EXPLICIT GeneralName OPTIONAL,
///                            requestList SEQUENCE OF Request, requestExtensions [2] EXPLICIT Extensions OPTIONAL }
/// Request     ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
/// ```
public struct OCSPRequest: Sendable {
    /// id-pkix-ocsp-nonce.
    public static let nonceOID: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1, 2]
    /// The most certificates one request may ask about.
    public static let maximumCertificates = 64

    /// The certificates asked about, in order.
    public var certificateIDs: [OCSPCertificateID]
    /// The nonce extension as received, echoed in the response.
    public var nonce: Certificate.Extension?

    /// A request about `certificateIDs`, with a fresh nonce unless told otherwise.
    public init(certificateIDs: [OCSPCertificateID], nonce: [UInt8]? = nil) throws {
        self.certificateIDs = certificateIDs
        if let nonce {
            var value = DER.Serializer()
            try value.serialize(ASN1OctetString(contentBytes: nonce[...]))
            self.nonce = Certificate.Extension(oid: Self.nonceOID, critical: false, value: value.serializedBytes[...])
        }
    }

    /// Parses a DER request. Throws on anything malformed.
    public init(derEncoded bytes: [UInt8]) throws {
        let root = try DER.parse(bytes)
        var ids: [OCSPCertificateID] = []
        var nonce: Certificate.Extension?
        try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbs = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no tbsRequest") }
            try DER.sequence(tbs, identifier: .sequence) { fields in
                while let field = fields.next() {
                    switch field.identifier {
                    case ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific):
                        let version = try DER.explicitlyTagged(field, tagNumber: 0, tagClass: .contextSpecific) { try Int(derEncoded: $0) }
                        guard version == 0 else { throw ASN1Error.invalidASN1Object(reason: "unsupported OCSP request version") }
                    case ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific):
                        continue  // requestorName: not used
                    case .sequence:
                        ids = try DER.sequence(of: SingleRequest.self, identifier: .sequence, rootNode: field).map(\.certificateID)
                    case ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific):
                        try DER.explicitlyTagged(field, tagNumber: 2, tagClass: .contextSpecific) { extensionsNode in
                            for ext in try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: extensionsNode) {
                                if ext.oid == Self.nonceOID {
                                    guard ext.value.count <= 130 else { throw ASN1Error.invalidASN1Object(reason: "nonce too long") }
                                    nonce = ext
                                }
                            }
                        }
                    default:
                        throw ASN1Error.invalidASN1Object(reason: "unexpected field in tbsRequest")
                    }
                }
            }
            _ = nodes.next()  // optionalSignature: signed requests are accepted, the signature is not required
        }
        guard !ids.isEmpty else { throw ASN1Error.invalidASN1Object(reason: "the request asks about no certificate") }
        guard ids.count <= Self.maximumCertificates else {
            throw ASN1Error.invalidASN1Object(reason: "the request asks about more than \(Self.maximumCertificates) certificates")
        }
        certificateIDs = ids
        self.nonce = nonce
    }

    /// The DER request.
    public func derBytes() throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    for id in certificateIDs {
                        try coder.appendConstructedNode(identifier: .sequence) { coder in try coder.serialize(id) }
                    }
                }
                if let nonce {
                    try coder.serialize(explicitlyTaggedWithTagNumber: 2, tagClass: .contextSpecific) { coder in
                        try coder.appendConstructedNode(identifier: .sequence) { coder in try coder.serialize(nonce) }
                    }
                }
            }
        }
        return coder.serializedBytes
    }

    private struct SingleRequest: DERParseable {
        var certificateID: OCSPCertificateID
        init(derEncoded node: ASN1Node) throws {
            certificateID = try DER.sequence(node, identifier: .sequence) { nodes in
                let id = try OCSPCertificateID(derEncoded: &nodes)
                _ = nodes.next()  // singleRequestExtensions
                return id
            }
        }
    }
}
