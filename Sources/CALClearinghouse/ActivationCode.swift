import Crypto
import Foundation

/// A one-time activation code: what the clearinghouse operator gives a customer so that a license
/// server may activate itself over the network. 25 characters of an alphabet without look-alikes
/// (no 0/O, 1/I/L), about 125 bits, printed in groups of five; case, spaces and dashes do not matter.
public struct ActivationCode: Hashable, Sendable, CustomStringConvertible {
    /// The characters a code is made of.
    static let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    /// Characters in a code.
    static let length = 25

    /// The code, normalised: upper case, no separators.
    public let normalized: String

    /// A new random code.
    public static func random() -> ActivationCode {
        var generator = SystemRandomNumberGenerator()
        return ActivationCode(normalized: String((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
    }

    private init(normalized: String) { self.normalized = normalized }

    /// Reads a code as a person typed it; nil when it cannot be one.
    public init?(_ text: String) {
        let cleaned = text.uppercased().filter { !" -".contains($0) }
        guard cleaned.count == Self.length, cleaned.allSatisfy(Self.alphabet.contains) else { return nil }
        normalized = cleaned
    }

    /// SHA-256 of the normalised code, hex: all the clearinghouse keeps.
    public var hash: String { SHA256.hash(data: Data(normalized.utf8)).map { String(format: "%02x", $0) }.joined() }

    /// The code in groups of five, as printed.
    public var description: String {
        stride(from: 0, to: normalized.count, by: 5).map { start in
            let from = normalized.index(normalized.startIndex, offsetBy: start)
            return String(normalized[from..<normalized.index(from, offsetBy: 5)])
        }.joined(separator: "-")
    }
}
