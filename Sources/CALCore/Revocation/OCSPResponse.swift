import Crypto
import Foundation
import SwiftASN1
import X509

/// An RFC 6960 OCSP response with a basic response signed by the issuer itself.
///
/// ```
/// OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
/// ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER (id-pkix-ocsp-basic), response OCTET STRING }
/// BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm AlgorithmIdentifier,
///                                  signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
/// ResponseData ::= SEQUENCE { version [0] EXPLICIT INTEGER DEFAULT v1, responderID ResponderID,
///                             producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse,
///                             responseExtensions [1] EXPLICIT Extensions OPTIONAL }
/// ResponderID ::= CHOICE { byName [1] EXPLICIT Name, byKey [2] EXPLICIT OCTET STRING }
/// SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
///                               nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, singleExtensions [1] EXPLICIT Extensions OPTIONAL }
/// CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL }
/// RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
/// ```
public struct OCSPResponse: Sendable {
    /// The outer response status.
    public enum ResponseStatus: Int, Sendable {
        case successful = 0
        case malformedRequest = 1
        case internalError = 2
        case tryLater = 3
        case signatureRequired = 5
        case unauthorized = 6
    }

    /// What the responder says of one certificate.
    public enum CertificateStatus: Sendable, Hashable {
        case good
        case revoked(at: Date, reason: RevocationReason?)
        case unknown
    }

    /// One certificate's status.
    public struct SingleResponse: Sendable, Hashable {
        /// Which certificate.
        public var certificateID: OCSPCertificateID
        /// Its status.
        public var status: CertificateStatus
        /// When the status was known to be correct.
        public var thisUpdate: Date
        /// When newer information will be available; stale after it.
        public var nextUpdate: Date?

        /// Creates a single response.
        public init(certificateID: OCSPCertificateID, status: CertificateStatus, thisUpdate: Date, nextUpdate: Date?) {
            self.certificateID = certificateID
            self.status = status
            self.thisUpdate = thisUpdate
            self.nextUpdate = nextUpdate
        }
    }

    static let basicResponseOID: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1, 1]

    /// The outer status; the fields below are empty unless it is `successful`.
    public var status: ResponseStatus
    /// The single responses.
    public var responses: [SingleResponse]
    /// When the response was signed.
    public var producedAt: Date?
    /// SHA-1 of the responder's key bits, when the responder is named by key.
    public var responderKeyHash: [UInt8]?
    /// The responder's name, when named by name.
    public var responderName: DistinguishedName?
    /// The nonce extension, echoed from the request.
    public var nonce: Certificate.Extension?
    /// The signature algorithm.
    public var signatureAlgorithm: SignatureAlgorithmIdentifier?
    /// The signature over ``tbsBytes``.
    public var signature: [UInt8]
    /// The signed ResponseData, DER.
    public var tbsBytes: [UInt8]
    /// The whole response, DER.
    public var derBytes: [UInt8]

    /// An unsuccessful response (malformed request, internal error, ...): status only, unsigned.
    public static func unsuccessful(_ status: ResponseStatus) throws -> OCSPResponse {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try status.rawValue.serialize(into: &coder, withIdentifier: .enumerated)
        }
        return try OCSPResponse(derEncoded: coder.serializedBytes)
    }

    /// Signs a successful basic response as `responder` (the issuer itself), named by key hash
    /// (`responderKeyHash`, the SHA-1 of its key bits, when the caller has it already).
    public static func sign(
        _ responses: [SingleResponse],
        responder: Certificate,
        key: Certificate.PrivateKey,
        producedAt: Date,
        nonce: Certificate.Extension?,
        responderKeyHash: [UInt8]? = nil
    ) throws -> OCSPResponse {
        let keyHash = responderKeyHash ?? Array(Insecure.SHA1.hash(data: responder.publicKey.subjectPublicKeyInfoBytes))
        let algorithm = SignatureAlgorithmIdentifier(for: try KeyType(of: key.publicKey))
        var tbs = DER.Serializer()
        try tbs.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(explicitlyTaggedWithTagNumber: 2, tagClass: .contextSpecific) { coder in
                try coder.serialize(ASN1OctetString(contentBytes: keyHash[...]))
            }
            try coder.serialize(try CertificateTime.generalizedTime(producedAt))
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                for response in responses { try serialize(response, into: &coder) }
            }
            if let nonce {
                try coder.serialize(explicitlyTaggedWithTagNumber: 1, tagClass: .contextSpecific) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in try coder.serialize(nonce) }
                }
            }
        }
        let tbsBytes = tbs.serializedBytes
        let signature = try algorithm.sign(tbsBytes, with: key)
        var basic = DER.Serializer()
        try basic.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(tbsBytes)
            try coder.serialize(algorithm)
            try coder.serialize(ASN1BitString(bytes: signature[...]))
        }
        var whole = DER.Serializer()
        try whole.appendConstructedNode(identifier: .sequence) { coder in
            try ResponseStatus.successful.rawValue.serialize(into: &coder, withIdentifier: .enumerated)
            try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(basicResponseOID)
                    try coder.serialize(ASN1OctetString(contentBytes: basic.serializedBytes[...]))
                }
            }
        }
        return try OCSPResponse(derEncoded: whole.serializedBytes)
    }

    private static func serialize(_ response: SingleResponse, into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(response.certificateID)
            switch response.status {
            case .good:
                coder.appendPrimitiveNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { _ in }
            case .revoked(let at, let reason):
                try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)) { coder in
                    try coder.serialize(try CertificateTime.generalizedTime(at))
                    if let reason {
                        try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                            try reason.rawValue.serialize(into: &coder, withIdentifier: .enumerated)
                        }
                    }
                }
            case .unknown:
                coder.appendPrimitiveNode(identifier: ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific)) { _ in }
            }
            try coder.serialize(try CertificateTime.generalizedTime(response.thisUpdate))
            if let nextUpdate = response.nextUpdate {
                try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                    try coder.serialize(try CertificateTime.generalizedTime(nextUpdate))
                }
            }
        }
    }

    /// Parses a DER response. Throws on anything malformed.
    public init(derEncoded bytes: [UInt8]) throws {
        derBytes = bytes
        responses = []
        signature = []
        tbsBytes = []
        var status = ResponseStatus.internalError
        var basicBytes: [UInt8]?
        try DER.sequence(try DER.parse(bytes), identifier: .sequence) { nodes in
            let code = try Int(derEncoded: &nodes, withIdentifier: .enumerated)
            guard let value = ResponseStatus(rawValue: code) else { throw ASN1Error.invalidASN1Object(reason: "unknown OCSP status \(code)") }
            status = value
            if let wrapped = nodes.next() {
                basicBytes = try DER.explicitlyTagged(wrapped, tagNumber: 0, tagClass: .contextSpecific) { node in
                    try DER.sequence(node, identifier: .sequence) { fields in
                        let type = try ASN1ObjectIdentifier(derEncoded: &fields)
                        guard type == Self.basicResponseOID else { throw ASN1Error.invalidASN1Object(reason: "not a basic OCSP response") }
                        return Array(try ASN1OctetString(derEncoded: &fields).bytes)
                    }
                }
            }
        }
        self.status = status
        guard status == .successful else { return }
        guard let basicBytes else { throw ASN1Error.invalidASN1Object(reason: "a successful response without a basic response") }
        try DER.sequence(try DER.parse(basicBytes), identifier: .sequence) { nodes in
            guard let tbsNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no ResponseData") }
            tbsBytes = Array(tbsNode.encodedBytes)
            try parseResponseData(tbsNode)
            signatureAlgorithm = try SignatureAlgorithmIdentifier(derEncoded: &nodes)
            signature = Array(try ASN1BitString(derEncoded: &nodes).bytes)
            _ = nodes.next()  // certs: the responder is the issuer, which the verifier already has
        }
    }

    private mutating func parseResponseData(_ node: ASN1Node) throws {
        try DER.sequence(node, identifier: .sequence) { nodes in
            var field = nodes.next()
            if field?.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) { field = nodes.next() }
            guard let responder = field else { throw ASN1Error.invalidASN1Object(reason: "no responderID") }
            switch responder.identifier {
            case ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific):
                responderName = try DER.explicitlyTagged(responder, tagNumber: 1, tagClass: .contextSpecific) { try DistinguishedName(derEncoded: $0) }
            case ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific):
                responderKeyHash = try DER.explicitlyTagged(responder, tagNumber: 2, tagClass: .contextSpecific) {
                    Array(try ASN1OctetString(derEncoded: $0).bytes)
                }
            default:
                throw ASN1Error.invalidASN1Object(reason: "unknown responderID")
            }
            producedAt = CertificateTime.date(try GeneralizedTime(derEncoded: &nodes))
            guard let list = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no responses") }
            responses = try DER.sequence(of: RawSingleResponse.self, identifier: .sequence, rootNode: list).map(\.response)
            if let extensions = nodes.next() {
                try DER.explicitlyTagged(extensions, tagNumber: 1, tagClass: .contextSpecific) { node in
                    for ext in try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: node)
                    where ext.oid == OCSPRequest.nonceOID {
                        nonce = ext
                    }
                }
            }
        }
    }

    /// Whether the response is signed by `issuer`'s key and names it as the responder.
    public func isSigned(by issuer: Certificate) -> Bool {
        guard status == .successful, let signatureAlgorithm else { return false }
        if let responderKeyHash {
            guard responderKeyHash == Array(Insecure.SHA1.hash(data: issuer.publicKey.subjectPublicKeyInfoBytes)) else { return false }
        } else if let responderName {
            guard responderName == issuer.subject else { return false }
        } else {
            return false
        }
        return signatureAlgorithm.isValidSignature(signature, over: tbsBytes, by: issuer.publicKey)
    }

    /// The single response about `certificate` issued by `issuer`, if there is one.
    public func response(for certificate: Certificate, issuer: Certificate) -> SingleResponse? {
        let serial = CertificateRevocationList.normalized(certificate.serialNumber.bytes)
        return responses.first { $0.certificateID.serial == serial && $0.certificateID.isIssued(by: issuer) }
    }

    private struct RawSingleResponse: DERParseable {
        var response: SingleResponse

        init(derEncoded node: ASN1Node) throws {
            response = try DER.sequence(node, identifier: .sequence) { nodes in
                let id = try OCSPCertificateID(derEncoded: &nodes)
                guard let statusNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no certStatus") }
                let status: CertificateStatus
                switch statusNode.identifier {
                case ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific):
                    status = .good
                case ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific):
                    status = try DER.sequence(statusNode, identifier: statusNode.identifier) { fields in
                        let at = CertificateTime.date(try GeneralizedTime(derEncoded: &fields))
                        var reason: RevocationReason?
                        if let reasonNode = fields.next() {
                            let code = try DER.explicitlyTagged(reasonNode, tagNumber: 0, tagClass: .contextSpecific) {
                                try Int(derEncoded: $0, withIdentifier: .enumerated)
                            }
                            reason = RevocationReason(rawValue: code)
                        }
                        return .revoked(at: at, reason: reason)
                    }
                case ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific):
                    status = .unknown
                default:
                    throw ASN1Error.invalidASN1Object(reason: "unknown certStatus")
                }
                let thisUpdate = CertificateTime.date(try GeneralizedTime(derEncoded: &nodes))
                var nextUpdate: Date?
                while let extra = nodes.next() {
                    if extra.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                        nextUpdate = try DER.explicitlyTagged(extra, tagNumber: 0, tagClass: .contextSpecific) {
                            CertificateTime.date(try GeneralizedTime(derEncoded: $0))
                        }
                    }
                }
                return SingleResponse(certificateID: id, status: status, thisUpdate: thisUpdate, nextUpdate: nextUpdate)
            }
        }
    }
}
