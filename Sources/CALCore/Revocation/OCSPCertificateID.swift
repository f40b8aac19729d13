import Crypto
import Foundation
import SwiftASN1
import X509

/// RFC 6960 `CertID`: which certificate an OCSP request asks about, named by hashes of its
/// issuer's name and key and by its serial number.
///
/// ```
/// CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
///                       issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
/// ```
public struct OCSPCertificateID: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// The hash algorithms CertIDs use: SHA-1 (OpenSSL's default) and SHA-256.
    public enum HashAlgorithm: Sendable, Hashable {
        case sha1, sha256

        static let sha1OID: ASN1ObjectIdentifier = [1, 3, 14, 3, 2, 26]
        static let sha256OID: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]

        var oid: ASN1ObjectIdentifier { self == .sha1 ? Self.sha1OID : Self.sha256OID }

        func hash(_ bytes: some DataProtocol) -> [UInt8] {
            switch self {
            case .sha1: return Array(Insecure.SHA1.hash(data: bytes))
            case .sha256: return Array(SHA256.hash(data: bytes))
            }
        }
    }

    /// The hash algorithm.
    public var hashAlgorithm: HashAlgorithm
    /// Hash of the issuer's DER name.
    public var issuerNameHash: [UInt8]
    /// Hash of the issuer's public key bits.
    public var issuerKeyHash: [UInt8]
    /// The certificate's serial number (INTEGER content bytes, leading zeros dropped).
    public var serial: [UInt8]

    /// The CertID of `certificate` issued by `issuer`.
    public init(certificate: Certificate, issuer: Certificate, hashAlgorithm: HashAlgorithm = .sha1) throws {
        self.hashAlgorithm = hashAlgorithm
        var name = DER.Serializer()
        try name.serialize(issuer.subject)
        issuerNameHash = hashAlgorithm.hash(name.serializedBytes)
        issuerKeyHash = hashAlgorithm.hash(issuer.publicKey.subjectPublicKeyInfoBytes)
        serial = CertificateRevocationList.normalized(certificate.serialNumber.bytes)
    }

    /// Whether this CertID names a certificate issued by `issuer`.
    public func isIssued(by issuer: Certificate) -> Bool {
        (try? OCSPIssuerHashes(of: issuer))?.issued(self) == true
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let algorithm = try DER.sequence(of: ASN1Any.self, identifier: .sequence, nodes: &nodes)
            guard let first = algorithm.first else { throw ASN1Error.invalidASN1Object(reason: "empty hash algorithm") }
            let oid = try ASN1ObjectIdentifier(asn1Any: first)
            let hashAlgorithm: HashAlgorithm
            switch oid {
            case HashAlgorithm.sha1OID: hashAlgorithm = .sha1
            case HashAlgorithm.sha256OID: hashAlgorithm = .sha256
            default: throw ASN1Error.invalidASN1Object(reason: "unsupported CertID hash algorithm \(oid)")
            }
            let nameHash = try ASN1OctetString(derEncoded: &nodes)
            let keyHash = try ASN1OctetString(derEncoded: &nodes)
            guard let serialNode = nodes.next(), serialNode.identifier == .integer,
                case .primitive(let serial) = serialNode.content, !serial.isEmpty
            else { throw ASN1Error.invalidASN1Object(reason: "no serial number") }
            return OCSPCertificateID(
                hashAlgorithm: hashAlgorithm, issuerNameHash: Array(nameHash.bytes), issuerKeyHash: Array(keyHash.bytes),
                serial: CertificateRevocationList.normalized(serial)
            )
        }
    }

    private init(hashAlgorithm: HashAlgorithm, issuerNameHash: [UInt8], issuerKeyHash: [UInt8], serial: [UInt8]) {
        self.hashAlgorithm = hashAlgorithm
        self.issuerNameHash = issuerNameHash
        self.issuerKeyHash = issuerKeyHash
        self.serial = serial
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(hashAlgorithm.oid)
                try coder.serialize(ASN1Null())
            }
            try coder.serialize(ASN1OctetString(contentBytes: issuerNameHash[...]))
            try coder.serialize(ASN1OctetString(contentBytes: issuerKeyHash[...]))
            coder.appendPrimitiveNode(identifier: .integer) { bytes in
                bytes.append(contentsOf: DERBytes.unsignedIntegerContents(serial))
            }
        }
    }
}
