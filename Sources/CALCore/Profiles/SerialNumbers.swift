import X509

/// Serial numbers for every certificate CALKit issues: 16 random bytes, positive.
public enum SerialNumbers {
    /// A new random serial of exactly 16 bytes whose first byte is non-zero and below 0x80, so
    /// it encodes as a positive 16-byte INTEGER.
    public static func random() -> Certificate.SerialNumber {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[0] = UInt8.random(in: 0x01...0x7F, using: &generator)
        return Certificate.SerialNumber(bytes: bytes)
    }

    /// Lower-case hex of a serial, as the CLI prints and reads them.
    public static func hex(_ serial: Certificate.SerialNumber) -> String {
        hex(serial.bytes)
    }

    /// Lower-case hex of bytes (serials, hashes, key identifiers).
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        // Every logon formats several serials and key identifiers: one pass, no string per byte.
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The bytes of a hex serial (as ``hex(_:)`` prints it).
    public static func bytes(fromHex text: String) throws -> [UInt8] {
        let digits = Array(text.lowercased().filter { $0 != ":" })
        guard !digits.isEmpty, digits.count % 2 == 0 else {
            throw CALError.invalidArgument("\(text) is not a hexadecimal serial number")
        }
        return try stride(from: 0, to: digits.count, by: 2).map { index in
            guard let byte = UInt8(String(digits[index...index + 1]), radix: 16) else {
                throw CALError.invalidArgument("\(text) is not a hexadecimal serial number")
            }
            return byte
        }
    }
}
