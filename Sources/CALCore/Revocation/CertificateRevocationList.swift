import Foundation
import SwiftASN1
import Synchronization
import X509

/// An X.509 v2 certificate revocation list (RFC 5280 §5), complete or delta, which
/// swift-certificates does not offer publicly: written by ``RevocationListWriter``, read here,
/// and proven against OpenSSL in tests.
///
/// ```
/// CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier, signature BIT STRING }
/// TBSCertList ::= SEQUENCE {
///     version v2, signature AlgorithmIdentifier, issuer Name, thisUpdate Time, nextUpdate Time,
///     revokedCertificates SEQUENCE OF SEQUENCE { userCertificate INTEGER, revocationDate Time,
///                                                crlEntryExtensions Extensions OPTIONAL } OPTIONAL,
///     crlExtensions [0] EXPLICIT Extensions OPTIONAL }   -- AKI, CRL number, delta indicator or freshest CRL
/// ```
///
/// A list keeps its DER and, per entry, where the serial lies and what the entry says: no object
/// per entry, so a million entries parse in a fraction of a second and take a few bytes each
/// beside the DER. Lookups go through a hash index built on the first one.
public struct CertificateRevocationList: Sendable {
    /// One revoked certificate.
    public struct Entry: Sendable, Hashable {
        /// The certificate's serial number, as its INTEGER content bytes without leading zeros.
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
    }

    /// Who issued (and signed) the list.
    public let issuer: DistinguishedName
    /// When the list was issued.
    public let thisUpdate: Date
    /// When the next list will be issued; a relying party treats the list as stale after it.
    public let nextUpdate: Date?
    /// The CRL number: monotonic per issuer, shared by complete and delta CRLs.
    public let number: [UInt8]?
    /// For a delta CRL, the number of the complete CRL it adds to (the delta CRL indicator).
    public let baseNumber: [UInt8]?
    /// Where a complete CRL says its delta CRLs are published (the freshest CRL extension).
    public let freshestCRL: String?
    /// The issuer's key identifier, from the authority key identifier extension.
    public let authorityKeyIdentifier: [UInt8]?
    /// The signature algorithm.
    public let signatureAlgorithm: SignatureAlgorithmIdentifier
    /// The signature over ``tbsBytes``.
    public let signature: [UInt8]
    /// The whole CRL, DER.
    public let derBytes: [UInt8]
    private let tbsRange: Range<Int>
    private let table: EntryTable
    /// Where in ``derBytes`` the offsets of `table` count from.
    private let entriesBase: Int
    private let index = RevokedSerialIndex()
    /// The keys (SubjectPublicKeyInfo DER) the signature was found to verify with.
    private let verifiedSigners = VerifiedSigners()

    static let crlNumberOID: ASN1ObjectIdentifier = [2, 5, 29, 20]
    static let reasonCodeOID: ASN1ObjectIdentifier = [2, 5, 29, 21]
    static let deltaCRLIndicatorOID: ASN1ObjectIdentifier = [2, 5, 29, 27]
    static let authorityKeyIdentifierOID: ASN1ObjectIdentifier = [2, 5, 29, 35]
    static let freshestCRLOID: ASN1ObjectIdentifier = [2, 5, 29, 46]

    init(
        derBytes: [UInt8], tbsRange: Range<Int>, issuer: DistinguishedName, thisUpdate: Date, nextUpdate: Date?,
        number: [UInt8]?, baseNumber: [UInt8]?, freshestCRL: String?, authorityKeyIdentifier: [UInt8]?,
        signatureAlgorithm: SignatureAlgorithmIdentifier, signature: [UInt8], entries: EntryTable, entriesBase: Int
    ) {
        self.derBytes = derBytes
        self.tbsRange = tbsRange
        self.issuer = issuer
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
        self.number = number
        self.baseNumber = baseNumber
        self.freshestCRL = freshestCRL
        self.authorityKeyIdentifier = authorityKeyIdentifier
        self.signatureAlgorithm = signatureAlgorithm
        self.signature = signature
        self.table = entries
        self.entriesBase = entriesBase
    }

    /// The DER of the signed part.
    public var tbsBytes: ArraySlice<UInt8> { derBytes[tbsRange] }

    /// Whether this is a delta CRL (it carries a delta CRL indicator).
    public var isDelta: Bool { baseNumber != nil }

    /// The CRL number as a number (0 when absent or too large to be one CALKit writes).
    public var numberValue: UInt64 { Self.value(of: number) }

    /// The base CRL number of a delta CRL as a number.
    public var baseNumberValue: UInt64? { baseNumber.map { Self.value(of: $0) } }

    private static func value(of bytes: [UInt8]?) -> UInt64 {
        guard let bytes, bytes.count <= 9 else { return 0 }
        return bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// How many certificates the list revokes.
    public var entryCount: Int { table.count }

    /// The revoked certificates, in the list's order (decoded on each call: for inspection, not lookups).
    public var entries: [Entry] { (0..<table.count).map(entry(at:)) }

    /// The entry for a serial number, if the list revokes it. A hash lookup, not a scan.
    public func entry(for serial: [UInt8]) -> Entry? {
        let wanted = Self.normalized(serial[...])
        return derBytes.withUnsafeBufferPointer { bytes in
            index.position(of: wanted[...], in: table, bytes: bytes, base: entriesBase)
        }.map(entry(at:))
    }

    private func entry(at position: Int) -> Entry {
        let start = entriesBase + Int(table.serialStart[position])
        let serial = Self.normalized(derBytes[start..<(start + Int(table.serialLength[position]))])
        let reason = table.reason[position] == EntryTable.noReason ? nil : RevocationReason(rawValue: Int(table.reason[position]))
        return Entry(serial: serial, revokedAt: Date(timeIntervalSince1970: TimeInterval(table.revokedAt[position])), reason: reason)
    }

    /// A serial number without leading zero bytes, so the same number always compares equal.
    static func normalized(_ serial: ArraySlice<UInt8>) -> [UInt8] {
        let trimmed = serial.drop(while: { $0 == 0 })
        return trimmed.isEmpty ? [0] : Array(trimmed)
    }

    /// Whether the list's signature verifies with `issuer`'s key and names `issuer`. A key it
    /// verified with once is remembered by this list (and its copies): a verifier checking many
    /// licenses against a CRL of a million entries hashes its 47 MB once, not per license.
    public func isSigned(by issuer: Certificate) -> Bool {
        guard self.issuer == issuer.subject else { return false }
        let key = issuer.publicKeyInfoBytes
        if let key, verifiedSigners.keys.withLock({ $0.contains(key) }) { return true }
        guard signatureAlgorithm.isValidSignature(signature, over: tbsBytes, by: issuer.publicKey) else { return false }
        if let key { verifiedSigners.keys.withLock { $0.append(key) } }
        return true
    }

    /// The longest next-update interval CALKit writes, in hours (a year).
    public static let maximumNextUpdateHours = 8760

    /// Checks a next-update interval in hours against what CALKit writes.
    public static func checkNextUpdate(hours: Int) throws {
        guard (1...maximumNextUpdateHours).contains(hours) else {
            throw CALError.invalidArgument("the next update must be 1 to \(maximumNextUpdateHours) hours away")
        }
    }

    /// Builds and signs a complete CRL of `entries`.
    public static func sign(
        issuer: Certificate,
        key: Certificate.PrivateKey,
        entries: [Entry],
        thisUpdate: Date,
        nextUpdate: Date,
        number: UInt64
    ) throws -> CertificateRevocationList {
        var writer = try RevocationListWriter(
            issuer: issuer, key: key, thisUpdate: thisUpdate, nextUpdate: nextUpdate, number: number, expectedEntries: entries.count
        )
        for entry in entries { try writer.append(serial: entry.serial, revokedAt: entry.revokedAt, reason: entry.reason) }
        return try writer.finish()
    }
}

extension CertificateRevocationList {
    /// What a list says per entry, column by column: where the serial's INTEGER contents start
    /// (from the list's entries base) and how long they are, the revocation time in seconds
    /// since 1970, the reason code (``noReason`` when absent).
    struct EntryTable: Sendable {
        static let noReason: UInt8 = 0xFF
        private(set) var serialStart: [UInt32] = []
        private(set) var serialLength: [UInt8] = []
        private(set) var revokedAt: [Int64] = []
        private(set) var reason: [UInt8] = []

        var count: Int { serialStart.count }

        mutating func reserve(_ capacity: Int) {
            serialStart.reserveCapacity(capacity)
            serialLength.reserveCapacity(capacity)
            revokedAt.reserveCapacity(capacity)
            reason.reserveCapacity(capacity)
        }

        mutating func append(serialStart start: Int, serialLength length: Int, revokedAt seconds: Int64, reason code: RevocationReason?) {
            serialStart.append(UInt32(start))
            serialLength.append(UInt8(length))
            revokedAt.append(seconds)
            reason.append(code.map { UInt8($0.rawValue) } ?? Self.noReason)
        }
    }
}

/// The keys a list's signature verified with, shared by the list's copies.
private final class VerifiedSigners: Sendable {
    let keys = Mutex<[[UInt8]]>([])
}
