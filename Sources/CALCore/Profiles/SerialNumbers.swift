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

    /// The bytes of a hex serial (as ``hex(_:)`` prints it; either case, colons ignored).
    public static func bytes(fromHex text: String) throws -> [UInt8] {
        // One pass over the UTF-8, no string per byte: `server crl` reads a million serials.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2)
        var high: UInt8?
        for character in text.utf8 where character != UInt8(ascii: ":") {
            guard let nibble = nibble(character) else { throw CALError.invalidArgument("\(text) is not a hexadecimal serial number") }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard !bytes.isEmpty, high == nil else { throw CALError.invalidArgument("\(text) is not a hexadecimal serial number") }
        return bytes
    }

    /// The value of one hex digit, either case.
    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
