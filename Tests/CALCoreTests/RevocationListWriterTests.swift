@testable import CALCore
import Foundation
import SwiftASN1
import Testing
import X509

/// The streaming CRL writer must write what swift-asn1 encodes for the same list, and the
/// in-place reader must accept and refuse exactly what a swift-asn1 parse accepts and refuses.
@Suite("RevocationListWriter and the in-place CRL reader: swift-asn1's bytes and swift-asn1's verdicts")
struct RevocationListWriterTests {
    typealias Entry = CertificateRevocationList.Entry

    /// The TBSCertList as swift-asn1 encodes it, node by node: the reference.
    func referenceTBS(
        issuer: Certificate, key: Certificate.PrivateKey, entries: [Entry], thisUpdate: Date, nextUpdate: Date, number: UInt64,
        kind: RevocationListWriter.Kind
    ) throws -> [UInt8] {
        var tbs = DER.Serializer()
        try tbs.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)
            try coder.serialize(SignatureAlgorithmIdentifier(for: try KeyType(of: key.publicKey)))
            try coder.serialize(issuer.subject)
            try CertificateTime.serialize(thisUpdate, into: &coder)
            try CertificateTime.serialize(nextUpdate, into: &coder)
            if !entries.isEmpty {
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    for entry in entries {
                        try coder.appendConstructedNode(identifier: .sequence) { coder in
                            coder.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: DERBytes.unsignedIntegerContents(entry.serial)) }
                            try CertificateTime.serialize(entry.revokedAt, into: &coder)
                            if let reason = entry.reason {
                                var value = DER.Serializer()
                                try reason.rawValue.serialize(into: &value, withIdentifier: .enumerated)
                                try coder.appendConstructedNode(identifier: .sequence) { coder in
                                    try coder.serialize(
                                        Certificate.Extension(oid: CertificateRevocationList.reasonCodeOID, critical: false, value: value.serializedBytes[...])
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
                    try coder.serialize(try Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: keyIdentifier), critical: false))
                    var numberValue = DER.Serializer()
                    try numberValue.serialize(number)
                    try coder.serialize(Certificate.Extension(oid: CertificateRevocationList.crlNumberOID, critical: false, value: numberValue.serializedBytes[...]))
                    switch kind {
                    case .delta(let base):
                        var baseValue = DER.Serializer()
                        try baseValue.serialize(base)
                        try coder.serialize(
                            Certificate.Extension(oid: CertificateRevocationList.deltaCRLIndicatorOID, critical: true, value: baseValue.serializedBytes[...])
                        )
                    case .complete(let url?):
                        try coder.serialize(
                            Certificate.Extension(
                                oid: CertificateRevocationList.freshestCRLOID, critical: false, value: RevocationPointers.distributionPoints(url: url)[...]
                            )
                        )
                    case .complete(nil):
                        break
                    }
                }
            }
        }
        return tbs.serializedBytes
    }

    /// Whether swift-asn1 parses `bytes` as a CRL the way the reader must: the whole tree, every
    /// entry through swift-asn1; the entries it finds, or nil when it refuses.
    func referenceEntries(_ bytes: [UInt8]) -> [Entry]? {
        guard let root = try? DER.parse(bytes) else { return nil }
        return try? DER.sequence(root, identifier: .sequence) { nodes -> [Entry] in
            guard let tbs = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "") }
            _ = try SignatureAlgorithmIdentifier(derEncoded: &nodes)
            _ = try ASN1BitString(derEncoded: &nodes)
            return try DER.sequence(tbs, identifier: .sequence) { fields -> [Entry] in
                guard try Int(derEncoded: &fields) == 1 else { throw ASN1Error.invalidASN1Object(reason: "") }
                _ = try SignatureAlgorithmIdentifier(derEncoded: &fields)
                _ = try DistinguishedName(derEncoded: &fields)
                guard let thisUpdate = fields.next() else { throw ASN1Error.invalidASN1Object(reason: "") }
                _ = try CertificateTime.parse(thisUpdate)
                _ = try CertificateTime.parseOptional(&fields)
                var entries: [Entry] = []
                while let next = fields.next() {
                    if next.identifier == .sequence {
                        guard case .constructed(let children) = next.content else { throw ASN1Error.invalidASN1Object(reason: "") }
                        for child in children {
                            let parsed = try CertificateRevocationList.parseEntry(child.encodedBytes)
                            entries.append(Entry(serial: CertificateRevocationList.normalized(parsed.serial), revokedAt: parsed.revokedAt, reason: parsed.reason))
                        }
                    }
                }
                return entries
            }
        }
    }

    func randomEntries(_ count: Int, using generator: inout some RandomNumberGenerator) -> [Entry] {
        (0..<count).map { index in
            var serial = (0..<Int.random(in: 1...20, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if index % 7 == 0 { serial[0] = 0 }  // a leading zero, dropped
            if index % 11 == 0 { serial = [0] }  // zero itself
            // 1950 to 2120: UTCTime and GeneralizedTime.
            let seconds = Double(Int64.random(in: -631_152_000...4_733_510_400, using: &generator))
            let reason = index % 5 == 0 ? nil : RevocationReason.allCases.randomElement(using: &generator)
            return Entry(serial: serial, revokedAt: Date(timeIntervalSince1970: seconds), reason: reason)
        }
    }

    @Test("The TBS is byte for byte swift-asn1's, for every key type, complete with and without a freshest CRL pointer, delta, and empty", arguments: KeyType.allCases)
    func sameBytes(_ keyType: KeyType) throws {
        var generator = SystemRandomNumberGenerator()
        let key = try keyType.generate()
        let now = Date()
        let issuer = try RootProfile.makeCertificate(name: "CRL issuer \(keyType)", key: key, notBefore: now, years: 30)
        let kinds: [RevocationListWriter.Kind] = [.complete(freshestCRL: nil), .complete(freshestCRL: "http://ls.example/crl/delta"), .delta(base: 300)]
        for (kind, count) in zip(kinds + [.complete(freshestCRL: nil)], [500, 200, 3, 0]) {
            let entries = randomEntries(count, using: &generator)
            var writer = try RevocationListWriter(
                issuer: issuer, key: key, thisUpdate: now, nextUpdate: now.addingTimeInterval(86_400), number: 301, kind: kind
            )
            for entry in entries { try writer.append(serial: entry.serial, revokedAt: entry.revokedAt, reason: entry.reason) }
            let written = try writer.finish()
            let expected = try referenceTBS(
                issuer: issuer, key: key, entries: entries, thisUpdate: now, nextUpdate: now.addingTimeInterval(86_400), number: 301, kind: kind
            )
            #expect(Array(written.tbsBytes) == expected, "\(kind) with \(count) entries")
            #expect(written.isSigned(by: issuer))

            let parsed = try CertificateRevocationList(derEncoded: written.derBytes)
            #expect(parsed.entries == entries.map { Entry(serial: CertificateRevocationList.normalized($0.serial[...]), revokedAt: $0.revokedAt, reason: $0.reason) })
            #expect(written.entries == parsed.entries && parsed.entryCount == count)
            #expect(parsed.numberValue == 301 && parsed.isSigned(by: issuer))
            #expect(parsed.baseNumberValue == (kind == .delta(base: 300) ? 300 : nil))
            #expect(parsed.freshestCRL == (kind == .complete(freshestCRL: "http://ls.example/crl/delta") ? "http://ls.example/crl/delta" : nil))
            // Lookups ignore leading zeros, as a certificate's serial never has them; of entries
            // with the same serial (zero, here) the first is found.
            var first: [[UInt8]: Entry] = [:]
            for entry in entries { first[CertificateRevocationList.normalized(entry.serial[...])] = first[CertificateRevocationList.normalized(entry.serial[...])] ?? entry }
            for (serial, entry) in first {
                #expect(parsed.entry(for: [0] + serial)?.reason == entry.reason)
                #expect(parsed.entry(for: serial)?.revokedAt == entry.revokedAt)
            }
            #expect(parsed.entry(for: [0xFF, 0xEE, 0xDD, 0xCC, 0xBB, 0xAA, 0x99, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05]) == nil)
        }
    }

    @Test("A store's hexadecimal serials (odd length, leading zeros, upper case) write what their bytes write; bad hex is refused")
    func hexadecimalSerials() throws {
        let key = try KeyType.p256.generate()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let issuer = try RootProfile.makeCertificate(name: "Hex", key: key, notBefore: now, years: 5)
        let cases: [(String, [UInt8])] = [("0", [0]), ("abc", [0x0a, 0xbc]), ("00ff", [0xff]), ("7F01", [0x7f, 0x01]), ("80", [0x80])]
        for (hex, bytes) in cases {
            var fromHex = try RevocationListWriter(issuer: issuer, key: key, thisUpdate: now, nextUpdate: now, number: 1)
            var fromBytes = try RevocationListWriter(issuer: issuer, key: key, thisUpdate: now, nextUpdate: now, number: 1)
            try Array(hex.utf8).withUnsafeBytes { try fromHex.append(serialHex: $0, revokedAt: now.timeIntervalSince1970, reasonCode: 1) }
            try fromBytes.append(serial: bytes, revokedAt: now, reason: .keyCompromise)
            #expect(Array(try fromHex.finish().tbsBytes) == Array(try fromBytes.finish().tbsBytes), "\(hex)")
        }
        var writer = try RevocationListWriter(issuer: issuer, key: key, thisUpdate: now, nextUpdate: now, number: 1)
        for bad in ["xyz", "0g", "g", String(repeating: "1", count: 41)] {
            #expect(throws: CALError.self) { try Array(bad.utf8).withUnsafeBytes { try writer.append(serialHex: $0, revokedAt: 0, reasonCode: 0) } }
        }
    }

    @Test("Mutated and truncated CRLs: the reader accepts exactly what swift-asn1 accepts, with the same entries, and never crashes")
    func sameVerdicts() throws {
        var generator = SystemRandomNumberGenerator()
        let key = try KeyType.p256.generate()
        let now = Date()
        let issuer = try RootProfile.makeCertificate(name: "Mutations", key: key, notBefore: now, years: 5)
        var entries = randomEntries(12, using: &generator)
        entries[3].reason = nil
        let original = try CertificateRevocationList.sign(
            issuer: issuer, key: key, entries: entries, thisUpdate: now, nextUpdate: now.addingTimeInterval(3600), number: 9
        ).derBytes
        // Hand-made shapes beside random ones: an entry with another (non-critical) extension, a
        // critical unknown one, a GeneralizedTime before 2050, a non-minimal length, trailing bytes.
        var samples: [[UInt8]] = [original + [0], Array(original.dropLast())]
        for _ in 0..<3000 {
            var mutated = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            samples.append(mutated)
        }
        for cut in stride(from: 0, to: original.count, by: 7) { samples.append(Array(original[..<cut])) }
        var accepted = 0
        for sample in samples {
            let reference = referenceEntries(sample)
            let read = try? CertificateRevocationList(derEncoded: sample)
            if let reference, let read {
                // swift-asn1 checks less of the outer fields than the reader (extensions): the
                // reader may refuse more there, never accept more, and agrees on every entry.
                #expect(read.entries == reference)
                accepted += 1
            } else if reference == nil {
                #expect(read == nil, "accepted what swift-asn1 refuses: \(sample)")
            }
        }
        #expect(accepted > 100)
    }

    @Test("Entries in other shapes go through swift-asn1: another extension is passed over, a critical unknown one or a non-minimal length is refused")
    func otherShapes() throws {
        let key = try KeyType.p256.generate()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let issuer = try RootProfile.makeCertificate(name: "Shapes", key: key, notBefore: now, years: 5)
        let time = try CertificateTime.derBytes(now)
        func list(entry: [UInt8]) throws -> [UInt8] {
            var writer = try RevocationListWriter(issuer: issuer, key: key, thisUpdate: now, nextUpdate: now, number: 1)
            try writer.append(serial: [0x42], revokedAt: now, reason: nil)
            let template = try writer.finish().derBytes
            // Replace the one entry (30 len 02 01 42 <time>) by `entry`, fixing the lengths around it.
            let plain: [UInt8] = [0x30, 0x12, 0x02, 0x01, 0x42] + time
            guard let at = (0...(template.count - plain.count)).first(where: { Array(template[$0..<($0 + plain.count)]) == plain }) else { return [] }
            let tbs = try DER.parse(template)
            guard case .constructed(let nodes) = tbs.content, let tbsNode = nodes.first(where: { _ in true }),
                case .constructed(let fields) = tbsNode.content
            else { return [] }
            var rebuilt = DER.Serializer()
            rebuilt.appendConstructedNode(identifier: .sequence) { coder in
                for field in fields {
                    if field.encodedBytes.startIndex <= at && at < field.encodedBytes.endIndex {
                        coder.appendConstructedNode(identifier: .sequence) { $0.serializeRawBytes(entry) }
                    } else {
                        coder.serializeRawBytes(field.encodedBytes)
                    }
                }
            }
            return rebuilt.serializedBytes  // a TBS only: parsed below as the reference sees it, wrapped
        }
        let generalized = [0x18, 15] + Array("20270115080000Z".utf8)
        let otherExtension: [UInt8] = [0x30, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x55, 0x1D, 0x18, 0x04, 0x02, 0x05, 0x00]
        let criticalExtension: [UInt8] = [0x30, 0x0E, 0x30, 0x0C, 0x06, 0x03, 0x55, 0x1D, 0x18, 0x01, 0x01, 0xFF, 0x04, 0x02, 0x05, 0x00]
        let cases: [([UInt8], Bool)] = [
            ([0x30, 0x12, 0x02, 0x01, 0x42] + time, true),
            ([0x30, 0x14, 0x02, 0x01, 0x42] + generalized, true),
            ([0x30, 0x1F, 0x02, 0x01, 0x42] + time + otherExtension, true),
            ([0x30, 0x22, 0x02, 0x01, 0x42] + time + criticalExtension, false),
            ([0x30, 0x81, 0x12, 0x02, 0x01, 0x42] + time, false),
            ([0x30, 0x11, 0x02, 0x00] + time, false),
        ]
        for (entry, valid) in cases {
            let tbs = try list(entry: entry)
            #expect(!tbs.isEmpty)
            var whole = DER.Serializer()
            try whole.appendConstructedNode(identifier: .sequence) { coder in
                coder.serializeRawBytes(tbs)
                try coder.serialize(SignatureAlgorithmIdentifier(for: .p256))
                try coder.serialize(ASN1BitString(bytes: [0x30, 0x00]))
            }
            let read = try? CertificateRevocationList(derEncoded: whole.serializedBytes)
            #expect((read != nil) == valid, "\(entry)")
            if valid { #expect(read?.entry(for: [0x42]) != nil && read?.entries.first?.reason == nil) }
        }
    }

    @Test("A list remembers the key its signature verified with, and only that key: an impostor of the same name is refused before and after")
    func signatureMemo() throws {
        let key = try KeyType.p256.generate()
        let impostorKey = try KeyType.p256.generate()
        let now = Date()
        let issuer = try RootProfile.makeCertificate(name: "Same Name", key: key, notBefore: now, years: 5)
        let impostor = try RootProfile.makeCertificate(name: "Same Name", key: impostorKey, notBefore: now, years: 5)
        let list = try CertificateRevocationList.sign(issuer: issuer, key: key, entries: [], thisUpdate: now, nextUpdate: now, number: 1)
        #expect(!list.isSigned(by: impostor))
        #expect(list.isSigned(by: issuer) && list.isSigned(by: issuer))
        #expect(!list.isSigned(by: impostor))
        let reread = try CertificateRevocationList(derEncoded: list.derBytes)
        #expect(!reread.isSigned(by: impostor) && reread.isSigned(by: issuer))
    }
}
