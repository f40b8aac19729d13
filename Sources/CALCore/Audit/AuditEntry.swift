import Crypto
import Foundation

/// One entry of a role's audit log: a state change, when it happened, what it touched, and the
/// SHA-256 hash chain that makes a later edit of any entry detectable.
public struct AuditEntry: Sendable, Equatable, Codable {
    /// The entry's position, from 1.
    public var sequence: Int64
    /// When the change happened (the role's clock).
    public var at: Date
    /// What happened, as a stable word (`license-issued`, `key-rotated`, ...).
    public var event: String
    /// What it happened to: a serial number, a pack id, a server id.
    public var subject: String
    /// A line for people with the particulars.
    public var detail: String
    /// The previous entry's hash (64 zeros for the first entry), hexadecimal.
    public var previousHash: String
    /// SHA-256 over this entry's fields and `previousHash`, hexadecimal.
    public var hash: String

    /// An entry as a ledger stores it.
    package init(sequence: Int64, at: Date, event: String, subject: String, detail: String, previousHash: String, hash: String) {
        self.sequence = sequence
        self.at = at
        self.event = event
        self.subject = subject
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The hash the entry's fields and its predecessor's hash give; equal to ``hash`` unless something was edited.
    public var computedHash: String {
        Self.hash(sequence: sequence, at: at, event: event, subject: subject, detail: detail, previousHash: previousHash)
    }

    /// The hash before the first entry.
    public static let genesisHash = String(repeating: "0", count: 64)

    package static func hash(sequence: Int64, at: Date, event: String, subject: String, detail: String, previousHash: String) -> String {
        // Unit separators between fields, so no field can borrow characters from its neighbour.
        let milliseconds = Int64((at.timeIntervalSince1970 * 1000).rounded())
        let text = [String(sequence), String(milliseconds), event, subject, detail, previousHash].joined(separator: "\u{1F}")
        return hex(SHA256.hash(data: Array(text.utf8)))
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of bytes.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// An instant as ISO 8601 in UTC, whole seconds, for audit details.
    package static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// Where a chain breaks: the first entry that does not hold, and why.
    public struct Break: Sendable, Equatable {
        /// The entry's sequence number.
        public var sequence: Int64
        /// What is wrong with it.
        public var reason: String
    }

    /// The first entry whose position, link to its predecessor or hash does not hold, or nil when the chain is whole.
    public static func firstBreak(in entries: [AuditEntry]) -> Break? {
        var previous = genesisHash
        var expectedSequence: Int64 = 1
        for entry in entries {
            if entry.sequence != expectedSequence {
                return Break(sequence: expectedSequence, reason: "the entry is missing (the next one is \(entry.sequence))")
            }
            if entry.previousHash != previous {
                return Break(sequence: entry.sequence, reason: "it does not link to the entry before it")
            }
            if entry.computedHash != entry.hash {
                return Break(sequence: entry.sequence, reason: "its contents do not match its hash")
            }
            previous = entry.hash
            expectedSequence += 1
        }
        return nil
    }
}
