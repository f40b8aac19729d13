import Foundation
import SwiftASN1
import X509

/// An X.509 v2 certificate revocation list (RFC 5280 §5), which swift-certificates does not
/// offer publicly: built, signed, parsed and checked here, and proven against OpenSSL in tests.
///
/// ```
/// CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier, signature BIT STRING }
/// TBSCertList ::= SEQUENCE {
///     version v2, signature AlgorithmIdentifier, issuer Name, thisUpdate Time, nextUpdate Time,
///     revokedCertificates SEQUENCE OF SEQUENCE { userCertificate INTEGER, revocationDate Time,
///                                                crlEntryExtensions Extensions OPTIONAL } OPTIONAL,
///     crlExtensions [0] EXPLICIT Extensions OPTIONAL }   -- AKI and CRL number
/// ```
public struct CertificateRevocationList: Sendable {
    /// One revoked certificate.
    public struct Entry: Sendable, Hashable {
        /// The certificate's serial number, as its INTEGER content bytes.
        public var serial: [UInt8]
        /// When it was revoked.
        public var revokedAt: Date
        /// Why, when the entry says (the reasonCode entry extension).
        public var reason: RevocationReason?

        /// Creates an entry.
        public init(serial: [UInt8], revokedAt: Date, reason: RevocationReason?) {
            self.serial = serial
            self.revokedAt = Date(timeIntervalSince1970: revokedAt.timeIntervalSince1970.rounded(.down))
            self.reason = reason
        }

        /// Creates an entry from a store's record: hex serial and RFC 5280 reason code.
        public init(serialHex: String, revokedAt: Date, reasonCode: Int) throws {
            self.init(serial: try SerialNumbers.bytes(fromHex: serialHex), revokedAt: revokedAt, reason: RevocationReason(rawValue: reasonCode))
        }
    }

    /// Who issued (and signed) the list.
    public var issuer: DistinguishedName
    /// When the list was issued.
    public var thisUpdate: Date
    /// When the next list will be issued; a relying party treats the list as stale after it.
    public var nextUpdate: Date?
    /// The CRL number: monotonic per issuer.
    public var number: [UInt8]?
    /// The issuer's key identifier, from the authority key identifier extension.
    public var authorityKeyIdentifier: [UInt8]?
    /// The revoked certificates.
    public var entries: [Entry]
    /// The signature algorithm.
    public var signatureAlgorithm: SignatureAlgorithmIdentifier
    /// The signature over ``tbsBytes``.
    public var signature: [UInt8]
    /// The DER of the signed part, as read or written.
    public var tbsBytes: [UInt8]
    /// The whole CRL, DER.
    public var derBytes: [UInt8]

    private var index: [[UInt8]: Int]

    static let crlNumberOID: ASN1ObjectIdentifier = [2, 5, 29, 20]
    static let reasonCodeOID: ASN1ObjectIdentifier = [2, 5, 29, 21]
    static let authorityKeyIdentifierOID: ASN1ObjectIdentifier = [2, 5, 29, 35]

    /// The entry for a serial number, if the list revokes it. A hash lookup, not a scan.
    public func entry(for serial: [UInt8]) -> Entry? {
        index[Self.normalized(serial[...])].map { entries[$0] }
    }

    /// A serial number without leading zero bytes, so the same number always compares equal.
    static func normalized(_ serial: ArraySlice<UInt8>) -> [UInt8] {
        let trimmed = serial.drop(while: { $0 == 0 })
        return trimmed.isEmpty ? [0] : Array(trimmed)
    }

    /// The INTEGER content bytes of a non-negative serial: a leading zero when the top bit is set.
    static func integerContent(_ serial: [UInt8]) -> [UInt8] {
        let value = normalized(serial[...])
        return (value.first ?? 0) & 0x80 != 0 ? [0] + value : value
    }

    /// Whether the list's signature verifies with `issuer`'s key and names `issuer`.
    public func isSigned(by issuer: Certificate) -> Bool {
        self.issuer == issuer.subject && signatureAlgorithm.isValidSignature(signature, over: tbsBytes, by: issuer.publicKey)
    }

    /// The longest next-update interval CALKit writes, in hours (a year).
    public static let maximumNextUpdateHours = 8760

    /// Signs the CRL a store publishes: its records (hex serial, revocation time, reason code)
    /// under `number`, issued `now` and due again after `nextUpdateHours`.
    public static func sign(
        issuer: Certificate,
        key: Certificate.PrivateKey,
        records: [(serialHex: String, revokedAt: Date, reasonCode: Int)],
        number: UInt64,
        now: Date,
        nextUpdateHours: Int
    ) throws -> CertificateRevocationList {
        guard (1...maximumNextUpdateHours).contains(nextUpdateHours) else {
            throw CALError.invalidArgument("the next update must be 1 to \(maximumNextUpdateHours) hours away")
        }
        return try sign(
            issuer: issuer,
            key: key,
            entries: try records.map { try Entry(serialHex: $0.serialHex, revokedAt: $0.revokedAt, reasonCode: $0.reasonCode) },
            thisUpdate: now,
            nextUpdate: now.addingTimeInterval(TimeInterval(nextUpdateHours) * 3600),
            number: number
        )
    }

    /// Builds and signs a CRL.
    public static func sign(
        issuer: Certificate,
        key: Certificate.PrivateKey,
        entries: [Entry],
        thisUpdate: Date,
        nextUpdate: Date,
        number: UInt64
    ) throws -> CertificateRevocationList {
        let algorithm = SignatureAlgorithmIdentifier(for: try KeyType(of: key.publicKey))
        var tbs = DER.Serializer()
        try tbs.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)  // v2
            try coder.serialize(algorithm)
            try coder.serialize(issuer.subject)
            try CertificateTime.serialize(thisUpdate, into: &coder)
            try CertificateTime.serialize(nextUpdate, into: &coder)
            if !entries.isEmpty {
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    for entry in entries {
                        try coder.appendConstructedNode(identifier: .sequence) { coder in
                            coder.appendPrimitiveNode(identifier: .integer) { bytes in
                                bytes.append(contentsOf: Self.integerContent(entry.serial))
                            }
                            try CertificateTime.serialize(entry.revokedAt, into: &coder)
                            if let reason = entry.reason {
                                var value = DER.Serializer()
                                try reason.rawValue.serialize(into: &value, withIdentifier: .enumerated)
                                try coder.appendConstructedNode(identifier: .sequence) { coder in
                                    try coder.serialize(
                                        Certificate.Extension(oid: reasonCodeOID, critical: false, value: value.serializedBytes[...])
                                    )
                                }
                            }
                        }
                    }
                }
            }
            try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    let keyIdentifier = try issuer.extensions.subjectKeyIdentifier?.keyIdentifier
                    try coder.serialize(
                        try Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: keyIdentifier), critical: false)
                    )
                    var numberValue = DER.Serializer()
                    try numberValue.serialize(number)
                    try coder.serialize(Certificate.Extension(oid: crlNumberOID, critical: false, value: numberValue.serializedBytes[...]))
                }
            }
        }
        let tbsBytes = tbs.serializedBytes
        let signature = try algorithm.sign(tbsBytes, with: key)
        var whole = DER.Serializer()
        try whole.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(tbsBytes)
            try coder.serialize(algorithm)
            try coder.serialize(ASN1BitString(bytes: signature[...]))
        }
        return try CertificateRevocationList(derEncoded: whole.serializedBytes)
    }

    /// Parses a DER CRL. Throws on anything malformed.
    public init(derEncoded bytes: [UInt8]) throws {
        let root = try DER.parse(bytes)
        var parsedTBS: ArraySlice<UInt8> = []
        var parsed: (DistinguishedName, Date, Date?, [Entry], [UInt8]?, [UInt8]?, SignatureAlgorithmIdentifier)?
        var outerAlgorithm: SignatureAlgorithmIdentifier?
        var signatureBits: ASN1BitString?
        try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbsNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no tbsCertList") }
            parsedTBS = tbsNode.encodedBytes
            parsed = try Self.parseTBS(tbsNode)
            outerAlgorithm = try SignatureAlgorithmIdentifier(derEncoded: &nodes)
            signatureBits = try ASN1BitString(derEncoded: &nodes)
        }
        guard let parsed, let outerAlgorithm, let signatureBits else {
            throw ASN1Error.invalidASN1Object(reason: "incomplete CRL")
        }
        guard outerAlgorithm == parsed.6 else {
            throw ASN1Error.invalidASN1Object(reason: "the two signature algorithms of the CRL differ")
        }
        issuer = parsed.0
        thisUpdate = parsed.1
        nextUpdate = parsed.2
        entries = parsed.3
        number = parsed.4
        authorityKeyIdentifier = parsed.5
        signatureAlgorithm = outerAlgorithm
        signature = Array(signatureBits.bytes)
        tbsBytes = Array(parsedTBS)
        derBytes = bytes
        var index: [[UInt8]: Int] = [:]
        index.reserveCapacity(entries.count)
        for (position, entry) in entries.enumerated() { index[Self.normalized(entry.serial[...])] = position }
        self.index = index
    }

    private static func parseTBS(
        _ node: ASN1Node
    ) throws -> (DistinguishedName, Date, Date?, [Entry], [UInt8]?, [UInt8]?, SignatureAlgorithmIdentifier) {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let version = try Int(derEncoded: &nodes)
            guard version == 1 else { throw ASN1Error.invalidASN1Object(reason: "not a v2 CRL") }
            let algorithm = try SignatureAlgorithmIdentifier(derEncoded: &nodes)
            let issuer = try DistinguishedName(derEncoded: &nodes)
            guard let thisUpdateNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no thisUpdate") }
            let thisUpdate = try CertificateTime.parse(thisUpdateNode)
            let nextUpdate = try CertificateTime.parseOptional(&nodes)
            var entries: [Entry] = []
            var number: [UInt8]?
            var keyIdentifier: [UInt8]?
            while let next = nodes.next() {
                if next.identifier == .sequence {
                    entries = try DER.sequence(of: RawEntry.self, identifier: .sequence, rootNode: next).map(\.entry)
                } else if next.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                    try DER.explicitlyTagged(next, tagNumber: 0, tagClass: .contextSpecific) { extensionsNode in
                        for ext in try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: extensionsNode) {
                            switch ext.oid {
                            case crlNumberOID:
                                number = Array(try ArraySlice<UInt8>(derEncoded: ext.value))
                            case authorityKeyIdentifierOID:
                                keyIdentifier = try AuthorityKeyIdentifier(ext).keyIdentifier.map(Array.init)
                            default:
                                guard !ext.critical else {
                                    throw ASN1Error.invalidASN1Object(reason: "unknown critical CRL extension \(ext.oid)")
                                }
                            }
                        }
                    }
                } else {
                    throw ASN1Error.invalidASN1Object(reason: "unexpected field in tbsCertList")
                }
            }
            return (issuer, thisUpdate, nextUpdate, entries, number, keyIdentifier, algorithm)
        }
    }

    /// One revokedCertificates element.
    private struct RawEntry: DERParseable {
        var entry: Entry

        init(derEncoded node: ASN1Node) throws {
            entry = try DER.sequence(node, identifier: .sequence) { nodes in
                guard let serialNode = nodes.next(), serialNode.identifier == .integer,
                    case .primitive(let serial) = serialNode.content, !serial.isEmpty
                else { throw ASN1Error.invalidASN1Object(reason: "no serial number") }
                guard let dateNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no revocationDate") }
                let date = try CertificateTime.parse(dateNode)
                var reason: RevocationReason?
                if let extensionsNode = nodes.next() {
                    for ext in try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: extensionsNode) {
                        if ext.oid == CertificateRevocationList.reasonCodeOID {
                            let code = try Int(derEncoded: ext.value, withIdentifier: .enumerated)
                            guard let value = RevocationReason(rawValue: code) else {
                                throw ASN1Error.invalidASN1Object(reason: "unknown reason code \(code)")
                            }
                            reason = value
                        } else if ext.critical {
                            throw ASN1Error.invalidASN1Object(reason: "unknown critical CRL entry extension \(ext.oid)")
                        }
                    }
                }
                return Entry(serial: CertificateRevocationList.normalized(serial), revokedAt: date, reason: reason)
            }
        }
    }
}
