import Crypto
import Foundation

/// The 35-character ids of license servers and key packs.
///
/// The alphabet leaves out the characters people confuse when they read an id aloud or type it
/// from paper (0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V): what is left is 23 letters and digits, so 35
/// characters carry about 158 bits. Read aloud, an id is grouped in fives (`ABCDE-FGHJK-...`);
/// the dashes are not part of the id and are dropped when an id is read.
public enum CALIdentifier {
    /// The characters an id is made of.
    public static let alphabet: [Character] = Array("34679ACDEFGHJKMNPQRTWXY")
    /// The length of every id.
    public static let length = 35

    /// A new random id.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A new random id drawn from the given generator.
    public static func random<Generator: RandomNumberGenerator>(using generator: inout Generator) -> String {
        String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// A stable id derived from some bytes (for example, a machine id).
    public static func derived(from bytes: [UInt8]) -> String {
        var digest = Array(SHA512.hash(data: bytes))
        var characters: [Character] = []
        while characters.count < length {
            // Long division of the digest by the alphabet size, one character per step.
            var remainder = 0
            for index in digest.indices {
                let value = remainder * 256 + Int(digest[index])
                digest[index] = UInt8(value / alphabet.count)
                remainder = value % alphabet.count
            }
            characters.append(alphabet[remainder])
        }
        return String(characters)
    }

    /// The id with dashes and spaces removed and letters upper-cased; nil if it is not an id.
    public static func normalized(_ text: String) -> String? {
        // On the UTF-8 bytes: every verification reads its license server's id this way.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        for byte in text.utf8 where byte != UInt8(ascii: "-") && byte != UInt8(ascii: " ") {
            let upper = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte
            guard bytes.count < length, alphabetBytes.contains(upper) else { return nil }
            bytes.append(upper)
        }
        guard bytes.count == length else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let alphabetBytes = Set(alphabet.compactMap(\.asciiValue))

    /// The id in groups of five, for people.
    public static func grouped(_ id: String) -> String {
        var groups: [String] = []
        var rest = Substring(id)
        while !rest.isEmpty {
            groups.append(String(rest.prefix(5)))
            rest = rest.dropFirst(5)
        }
        return groups.joined(separator: "-")
    }
}
