import Crypto

/// A secret (a bearer token, a host credential's secret half) as its SHA-256, compared in
/// constant time: both sides are hashed, then every byte is compared, so the time taken says
/// nothing about how much of a guess was right. Only the digest is kept.
public struct SecretDigest: Sendable, Equatable {
    /// The SHA-256 of the secret.
    public let bytes: [UInt8]

    /// The digest of `secret`.
    public init(of secret: String) {
        bytes = Array(SHA256.hash(data: Array(secret.utf8)))
    }

    /// A digest kept earlier, as hexadecimal; nil when it is not 64 hex digits.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }

    /// The digest as lower-case hexadecimal, for storing.
    public var hex: String { SerialNumbers.hex(bytes) }

    /// Whether `secret` has this digest, in time that does not depend on where they differ.
    public func matches(_ secret: String) -> Bool {
        var difference: UInt8 = 0
        for (left, right) in zip(Self(of: secret).bytes, bytes) { difference |= left ^ right }
        return difference == 0
    }
}
