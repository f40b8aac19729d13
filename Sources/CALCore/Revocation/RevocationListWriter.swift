import Foundation
import SwiftASN1
import X509

/// Writes and signs a CRL (RFC 5280 §5) entry by entry, straight into the one buffer that
/// becomes the signed DER: no node per entry, no second encoding pass, no parse afterwards.
/// A ledger of a million revoked licenses streams through it in well under a second.
///
/// The buffer starts with room for the two outer headers, whose lengths are known only at the
/// end; ``finish()`` writes them in place, signs the TBS where it lies and trims the room left
/// over. The bytes are those swift-asn1 would encode for the same list (RevocationListWriterTests).
public struct RevocationListWriter {
    /// What the list is: a complete CRL, or a delta CRL listing what changed since the complete
    /// CRL numbered `base` (RFC 5280 §5.2.4).
    public enum Kind: Sendable, Hashable {
        /// A complete CRL; `freshestCRL` is where its delta CRLs are published, if anywhere.
        case complete(freshestCRL: String?)
        /// A delta CRL on top of the complete CRL numbered `base`.
        case delta(base: UInt64)
    }

    private let issuer: Certificate
    private let key: Certificate.PrivateKey
    private let algorithm: SignatureAlgorithmIdentifier
    private let thisUpdate: Date
    private let nextUpdate: Date
    private let number: UInt64
    private let kind: Kind
    private var buffer: [UInt8] = []
    private var entries = CertificateRevocationList.EntryTable()
    /// Where the TBS fields (version to nextUpdate) start and end in `buffer`; the entries follow
    /// after room for their SEQUENCE header.
    private let fieldsStart: Int
    private let entriesStart: Int
    private var serial = [UInt8](repeating: 0, count: 24)

    /// Room for a header: a tag and a length of up to four octets.
    private static let headerRoom = 6

    /// Starts a list of `kind`, numbered `number`, issued by `issuer` with `key` at `thisUpdate`
    /// and due again at `nextUpdate`. `expectedEntries` sizes the buffer.
    public init(
        issuer: Certificate,
        key: Certificate.PrivateKey,
        thisUpdate: Date,
        nextUpdate: Date,
        number: UInt64,
        kind: Kind = .complete(freshestCRL: nil),
        expectedEntries: Int = 0
    ) throws {
        self.issuer = issuer
        self.key = key
        algorithm = SignatureAlgorithmIdentifier(for: try KeyType(of: key.publicKey))
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
        self.number = number
        self.kind = kind
        buffer.reserveCapacity(4096 + expectedEntries * 50)
        buffer.append(contentsOf: repeatElement(0, count: 2 * Self.headerRoom))
        fieldsStart = buffer.count
        buffer.append(contentsOf: [0x02, 0x01, 0x01])  // version v2
        var fields = DER.Serializer()
        try fields.serialize(algorithm)
        try fields.serialize(issuer.subject)
        buffer.append(contentsOf: fields.serializedBytes)
        try CertificateTime.append(Self.seconds(thisUpdate), to: &buffer)
        try CertificateTime.append(Self.seconds(nextUpdate), to: &buffer)
        buffer.append(contentsOf: repeatElement(0, count: Self.headerRoom))
        entriesStart = buffer.count
    }

    /// The number of entries appended so far.
    public var count: Int { entries.count }

    /// Appends one revoked certificate: its serial number (the INTEGER's magnitude, big-endian),
    /// when it was revoked and why.
    public mutating func append(serial magnitude: some Collection<UInt8>, revokedAt: Date, reason: RevocationReason?) throws {
        var length = 0
        for byte in magnitude.drop(while: { $0 == 0 }) {
            guard length < 20 else { throw CALError.invalidArgument("a serial number has at most 20 octets") }
            serial[length] = byte
            length += 1
        }
        try appendEntry(serialLength: length, seconds: Self.seconds(revokedAt), reasonCode: reason?.rawValue)
    }

    /// Appends one revoked certificate as a store keeps it: the serial as hexadecimal text (UTF-8),
    /// the revocation time in seconds since 1970, an RFC 5280 reason code.
    public mutating func append(serialHex: UnsafeRawBufferPointer, revokedAt: Double, reasonCode: Int) throws {
        guard serialHex.count <= 40 else { throw CALError.invalidArgument("a serial number has at most 20 octets") }
        var length = 0
        // An odd count: the first character is a nibble of its own.
        var index = serialHex.startIndex
        if serialHex.count % 2 == 1 {
            let first = Self.nibbles[Int(serialHex[index])]
            guard first < 16 else { throw CALError.malformed(what: "a revoked serial number", reason: "it is not hexadecimal") }
            if first != 0 {
                serial[0] = first
                length = 1
            }
            index += 1
        }
        while index < serialHex.endIndex {
            let upper = Self.nibbles[Int(serialHex[index])]
            let lower = Self.nibbles[Int(serialHex[index + 1])]
            guard upper | lower < 16 else { throw CALError.malformed(what: "a revoked serial number", reason: "it is not hexadecimal") }
            let byte = upper << 4 | lower
            if length > 0 || byte != 0 {
                serial[length] = byte
                length += 1
            }
            index += 2
        }
        try appendEntry(serialLength: length, seconds: Int64(revokedAt.rounded(.down)), reasonCode: RevocationReason(rawValue: reasonCode)?.rawValue)
    }

    /// Each byte's value as a hex digit, 0xFF where it is none (a table: a CRL reads a million serials).
    private static let nibbles: [UInt8] = (0...255).map { SerialNumbers.nibble(UInt8($0)) ?? 0xFF }

    /// Writes `SEQUENCE { INTEGER serial, Time, [Extensions { reasonCode }] }` for the
    /// `serialLength` octets in `serial` (leading zeros already dropped).
    private mutating func appendEntry(serialLength: Int, seconds: Int64, reasonCode: Int?) throws {
        let padded = serialLength == 0 || serial[0] & 0x80 != 0
        let integerLength = serialLength + (padded ? 1 : 0)
        let entryStart = buffer.count
        buffer.append(0x30)
        buffer.append(0)  // the entry's length, set below (always under 128)
        buffer.append(0x02)
        buffer.append(UInt8(integerLength))
        let serialStart = buffer.count
        if padded { buffer.append(0) }
        buffer.append(contentsOf: serial[0..<serialLength])
        try CertificateTime.append(seconds, to: &buffer)
        if let reasonCode {
            buffer.append(contentsOf: Self.reasonCodePrefix)
            buffer.append(UInt8(reasonCode))
        }
        buffer[entryStart + 1] = UInt8(buffer.count - entryStart - 2)
        entries.append(
            serialStart: serialStart - entriesStart, serialLength: integerLength, revokedAt: seconds,
            reason: reasonCode.flatMap(RevocationReason.init(rawValue:))
        )
    }

    /// `Extensions { Extension { reasonCode, OCTET STRING { ENUMERATED ` — the code follows.
    static let reasonCodePrefix: [UInt8] = [0x30, 0x0C, 0x30, 0x0A, 0x06, 0x03, 0x55, 0x1D, 0x15, 0x04, 0x03, 0x0A, 0x01]

    /// Ends the list with its extensions, signs it and returns it.
    public consuming func finish() throws -> CertificateRevocationList {
        let entriesLength = buffer.count - entriesStart
        // The entries' SEQUENCE header goes right before them (omitted when there are none), and
        // the fields move up against it.
        let entriesHeader = entries.count == 0 ? [] : Self.header(0x30, length: entriesLength)
        let fieldsEnd = entriesStart - Self.headerRoom
        let shift = Self.headerRoom - entriesHeader.count
        let fields = Array(buffer[fieldsStart..<fieldsEnd])
        let movedFieldsStart = fieldsStart + shift
        buffer.replaceSubrange(movedFieldsStart..<(movedFieldsStart + fields.count), with: fields)
        buffer.replaceSubrange((entriesStart - entriesHeader.count)..<entriesStart, with: entriesHeader)
        buffer.append(contentsOf: try extensionsBytes())

        let tbsHeader = Self.header(0x30, length: buffer.count - movedFieldsStart)
        let tbsStart = movedFieldsStart - tbsHeader.count
        buffer.replaceSubrange(tbsStart..<movedFieldsStart, with: tbsHeader)
        let signature = try algorithm.sign(buffer[tbsStart...], with: key)
        let tbsEnd = buffer.count
        var trailer = DER.Serializer()
        try trailer.serialize(algorithm)
        try trailer.serialize(ASN1BitString(bytes: signature[...]))
        buffer.append(contentsOf: trailer.serializedBytes)

        let outerHeader = Self.header(0x30, length: buffer.count - tbsStart)
        let start = tbsStart - outerHeader.count
        buffer.replaceSubrange(start..<tbsStart, with: outerHeader)
        buffer.removeFirst(start)
        var baseNumber: [UInt8]?
        var freshestCRL: String?
        switch kind {
        case .complete(let url): freshestCRL = url
        case .delta(let base): baseNumber = DERBytes.integerContents(base)
        }
        return CertificateRevocationList(
            derBytes: buffer,
            tbsRange: (tbsStart - start)..<(tbsEnd - start),
            issuer: issuer.subject,
            thisUpdate: Date(timeIntervalSince1970: TimeInterval(Self.seconds(thisUpdate))),
            nextUpdate: Date(timeIntervalSince1970: TimeInterval(Self.seconds(nextUpdate))),
            number: DERBytes.integerContents(number),
            baseNumber: baseNumber,
            freshestCRL: freshestCRL,
            authorityKeyIdentifier: try issuer.extensions.subjectKeyIdentifier.map { Array($0.keyIdentifier) },
            signatureAlgorithm: algorithm,
            signature: signature,
            entries: entries,
            entriesBase: entriesStart - start
        )
    }

    /// `[0] EXPLICIT Extensions`: the authority key identifier, the CRL number, and the delta
    /// CRL indicator (critical) or the freshest CRL pointer.
    private func extensionsBytes() throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                let keyIdentifier = try issuer.extensions.subjectKeyIdentifier?.keyIdentifier
                try coder.serialize(try Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: keyIdentifier), critical: false))
                var numberValue = DER.Serializer()
                try numberValue.serialize(number)
                try coder.serialize(
                    Certificate.Extension(oid: CertificateRevocationList.crlNumberOID, critical: false, value: numberValue.serializedBytes[...])
                )
                switch kind {
                case .delta(let base):
                    var baseValue = DER.Serializer()
                    try baseValue.serialize(base)
                    try coder.serialize(
                        Certificate.Extension(oid: CertificateRevocationList.deltaCRLIndicatorOID, critical: true, value: baseValue.serializedBytes[...])
                    )
                case .complete(let freshestCRL?):
                    try coder.serialize(
                        Certificate.Extension(
                            oid: CertificateRevocationList.freshestCRLOID, critical: false,
                            value: RevocationPointers.distributionPoints(url: freshestCRL)[...]
                        )
                    )
                case .complete(nil):
                    break
                }
            }
        }
        return coder.serializedBytes
    }

    private static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

    /// A tag and the definite length `length`.
    private static func header(_ tag: UInt8, length: Int) -> [UInt8] {
        var out: [UInt8] = []
        DERBytes.appendHeader(tag, length: length, to: &out)
        return out
    }
}
