import Foundation
import SwiftASN1
import X509

extension CertificateRevocationList {
    /// Parses a DER CRL, complete or delta. Throws on anything malformed, as strictly as
    /// swift-asn1 would: the list's frame and its entries are walked in place (DER lengths
    /// checked), entries in the common shape are read straight from their bytes and any other
    /// entry goes through swift-asn1; the small fields go through swift-asn1 too.
    public init(derEncoded bytes: [UInt8]) throws {
        let reader = DERReader(bytes)
        let outer = try reader.node(at: 0, end: bytes.count, expecting: 0x30)
        guard outer.end == bytes.count else { throw ASN1Error.invalidASN1Object(reason: "trailing bytes after the CRL") }
        let tbs = try reader.node(at: outer.contents, end: outer.end, expecting: 0x30)
        let algorithmNode = try reader.node(at: tbs.end, end: outer.end)
        let signatureNode = try reader.node(at: algorithmNode.end, end: outer.end)
        guard signatureNode.end == outer.end else { throw ASN1Error.invalidASN1Object(reason: "unexpected fields after the CRL's signature") }
        let outerAlgorithm = try SignatureAlgorithmIdentifier(derEncoded: bytes[algorithmNode.start..<algorithmNode.end])
        let signatureBits = try ASN1BitString(derEncoded: bytes[signatureNode.start..<signatureNode.end])

        var field = try reader.node(at: tbs.contents, end: tbs.end)
        guard try Int(derEncoded: bytes[field.start..<field.end]) == 1 else { throw ASN1Error.invalidASN1Object(reason: "not a v2 CRL") }
        field = try reader.node(at: field.end, end: tbs.end)
        let algorithm = try SignatureAlgorithmIdentifier(derEncoded: bytes[field.start..<field.end])
        guard algorithm == outerAlgorithm else { throw ASN1Error.invalidASN1Object(reason: "the two signature algorithms of the CRL differ") }
        field = try reader.node(at: field.end, end: tbs.end)
        let issuer = try DistinguishedName(derEncoded: bytes[field.start..<field.end])
        field = try reader.node(at: field.end, end: tbs.end)
        let thisUpdate = try Self.time(bytes[field.start..<field.end])
        var position = field.end
        var nextUpdate: Date?
        if position < tbs.end, case let next = try reader.node(at: position, end: tbs.end), next.tag == 0x17 || next.tag == 0x18 {
            nextUpdate = try Self.time(bytes[next.start..<next.end])
            position = next.end
        }

        var table = EntryTable()
        var entriesBase = 0
        var seenEntries = false
        var seenExtensions = false
        var fields = ExtensionFields()
        while position < tbs.end {
            let next = try reader.node(at: position, end: tbs.end)
            switch next.tag {
            case 0x30 where !seenEntries && !seenExtensions:
                seenEntries = true
                entriesBase = next.contents
                table = try reader.entries(from: next.contents, end: next.end)
            case 0xA0 where !seenExtensions:
                seenExtensions = true
                fields = try Self.extensionFields(bytes[next.start..<next.end])
            default:
                throw ASN1Error.invalidASN1Object(reason: "unexpected field in tbsCertList")
            }
            position = next.end
        }
        self.init(
            derBytes: bytes, tbsRange: tbs.start..<tbs.end, issuer: issuer, thisUpdate: thisUpdate, nextUpdate: nextUpdate,
            number: fields.number, baseNumber: fields.baseNumber, freshestCRL: fields.freshestCRL,
            authorityKeyIdentifier: fields.keyIdentifier, signatureAlgorithm: outerAlgorithm, signature: Array(signatureBits.bytes),
            entries: table, entriesBase: entriesBase
        )
    }

    private static func time(_ bytes: ArraySlice<UInt8>) throws -> Date {
        try CertificateTime.parse(try DER.parse(bytes))
    }

    /// What the list's own extensions say.
    private struct ExtensionFields {
        var number: [UInt8]?
        var baseNumber: [UInt8]?
        var keyIdentifier: [UInt8]?
        var freshestCRL: String?
    }

    private static func extensionFields(_ bytes: ArraySlice<UInt8>) throws -> ExtensionFields {
        var fields = ExtensionFields()
        try DER.explicitlyTagged(try DER.parse(bytes), tagNumber: 0, tagClass: .contextSpecific) { extensionsNode in
            for ext in try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: extensionsNode) {
                switch ext.oid {
                case crlNumberOID:
                    fields.number = Array(try ArraySlice<UInt8>(derEncoded: ext.value))
                case deltaCRLIndicatorOID:
                    fields.baseNumber = Array(try ArraySlice<UInt8>(derEncoded: ext.value))
                case authorityKeyIdentifierOID:
                    fields.keyIdentifier = try AuthorityKeyIdentifier(ext).keyIdentifier.map(Array.init)
                case freshestCRLOID:
                    fields.freshestCRL = try? Self.firstURL(inDistributionPoints: ext.value)
                default:
                    guard !ext.critical else { throw ASN1Error.invalidASN1Object(reason: "unknown critical CRL extension \(ext.oid)") }
                }
            }
        }
        guard fields.baseNumber == nil || fields.number != nil else {
            throw ASN1Error.invalidASN1Object(reason: "a delta CRL without a CRL number")
        }
        return fields
    }

    /// The first URI of the first full name in a `CRLDistributionPoints` value.
    private static func firstURL(inDistributionPoints value: ArraySlice<UInt8>) throws -> String? {
        let uri = ASN1Identifier(tagWithNumber: 6, tagClass: .contextSpecific)
        func search(_ node: ASN1Node) -> String? {
            switch node.content {
            case .primitive(let content): return node.identifier == uri ? String(decoding: content, as: UTF8.self) : nil
            case .constructed(let children): return children.lazy.compactMap(search).first
            }
        }
        return search(try DER.parse(value))
    }

    /// One revokedCertificates element the fast path does not read: swift-asn1 decides.
    static func parseEntry(_ bytes: ArraySlice<UInt8>) throws -> (serial: ArraySlice<UInt8>, revokedAt: Date, reason: RevocationReason?) {
        try DER.sequence(try DER.parse(bytes), identifier: .sequence) { nodes in
            guard let serialNode = nodes.next(), serialNode.identifier == .integer,
                case .primitive(let serial) = serialNode.content, !serial.isEmpty
            else { throw ASN1Error.invalidASN1Object(reason: "no serial number") }
            guard let dateNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no revocationDate") }
            let date = try CertificateTime.parse(dateNode)
            var reason: RevocationReason?
            if let extensionsNode = nodes.next() {
                for ext in try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: extensionsNode) {
                    if ext.oid == reasonCodeOID {
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
            return (serial, date, reason)
        }
    }
}

/// A strict reader of DER frames in place: single-octet tags, definite minimal lengths, nodes
/// that fit inside their parent.
struct DERReader {
    /// A node: its tag, where it starts, where its contents start, where it ends.
    struct Node {
        var tag: UInt8
        var start: Int
        var contents: Int
        var end: Int
    }

    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The node at `start`, which must end by `end` (and carry `tag`, when given).
    func node(at start: Int, end: Int, expecting tag: UInt8? = nil) throws -> Node {
        try bytes.withUnsafeBufferPointer { try Self.node(in: $0, at: start, end: end, expecting: tag) }
    }

    static func node(in bytes: UnsafeBufferPointer<UInt8>, at start: Int, end: Int, expecting tag: UInt8? = nil) throws -> Node {
        guard start + 2 <= end else { throw ASN1Error.truncatedASN1Field() }
        let found = bytes[start]
        guard found & 0x1F != 0x1F else { throw ASN1Error.invalidASN1Object(reason: "multi-octet tags are not used here") }
        if let tag, found != tag { throw ASN1Error.invalidASN1Object(reason: "unexpected tag \(found)") }
        let first = bytes[start + 1]
        var length = Int(first)
        var contents = start + 2
        if first >= 0x80 {
            let count = Int(first & 0x7F)
            guard count >= 1, count <= 4 else { throw ASN1Error.unsupportedFieldLength(reason: "length of \(count) octets") }
            guard contents + count <= end else { throw ASN1Error.truncatedASN1Field() }
            guard bytes[contents] != 0 else { throw ASN1Error.unsupportedFieldLength(reason: "a length with a leading zero") }
            length = 0
            for offset in 0..<count { length = length << 8 | Int(bytes[contents + offset]) }
            guard length >= 0x80 else { throw ASN1Error.unsupportedFieldLength(reason: "a long-form length below 128") }
            contents += count
        }
        guard length <= end - contents else { throw ASN1Error.truncatedASN1Field() }
        return Node(tag: found, start: start, contents: contents, end: contents + length)
    }

    /// The entries of a revokedCertificates SEQUENCE whose contents span `start..<end`.
    func entries(from start: Int, end: Int) throws -> CertificateRevocationList.EntryTable {
        var table = CertificateRevocationList.EntryTable()
        table.reserve((end - start) / 48)
        try bytes.withUnsafeBufferPointer { bytes in
            var position = start
            while position < end {
                let entry = try Self.node(in: bytes, at: position, end: end, expecting: 0x30)
                try Self.readEntry(entry, in: bytes, base: start, into: &table, whole: self.bytes)
                position = entry.end
            }
        }
        return table
    }

    /// Reads one entry: `SEQUENCE { INTEGER, Time [, reasonCode only] }` from its bytes, or
    /// anything else through swift-asn1.
    private static func readEntry(
        _ entry: Node, in bytes: UnsafeBufferPointer<UInt8>, base: Int,
        into table: inout CertificateRevocationList.EntryTable, whole: [UInt8]
    ) throws {
        if let serial = try? node(in: bytes, at: entry.contents, end: entry.end, expecting: 0x02), serial.end > serial.contents,
            let time = try? node(in: bytes, at: serial.end, end: entry.end),
            let seconds = CertificateTime.parseCommon(bytes, at: time.start, end: time.end)
        {
            var reason: RevocationReason?
            var common = time.end == entry.end
            let prefix = RevocationListWriter.reasonCodePrefix
            if !common, entry.end - time.end == prefix.count + 1,
                zip(prefix.indices, prefix).allSatisfy({ bytes[time.end + $0] == $1 }),
                let code = RevocationReason(rawValue: Int(bytes[time.end + prefix.count]))
            {
                reason = code
                common = true
            }
            if common {
                try append(serialStart: serial.contents, end: serial.end, base: base, seconds: seconds, reason: reason, to: &table)
                return
            }
        }
        let parsed = try CertificateRevocationList.parseEntry(whole[entry.start..<entry.end])
        let seconds = Int64(parsed.revokedAt.timeIntervalSince1970.rounded(.down))
        try append(serialStart: parsed.serial.startIndex, end: parsed.serial.endIndex, base: base, seconds: seconds, reason: parsed.reason, to: &table)
    }

    private static func append(
        serialStart: Int, end: Int, base: Int, seconds: Int64, reason: RevocationReason?, to table: inout CertificateRevocationList.EntryTable
    ) throws {
        guard end - serialStart <= 64 else { throw ASN1Error.invalidASN1Object(reason: "a serial number longer than 64 octets") }
        table.append(serialStart: serialStart - base, serialLength: end - serialStart, revokedAt: seconds, reason: reason)
    }
}
