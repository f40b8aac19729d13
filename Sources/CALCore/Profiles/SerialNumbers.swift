import X509

/// Serial numbers for every certificate CALKit issues: 16 random bytes, positive.
public enum SerialNumbers {
    /// A new random serial of exactly 16 bytes whose first byte is 0x40 to 0x7F, so it encodes
    /// as a positive 16-byte INTEGER: 126 random bits from the system's CSPRNG, in two draws
    /// (one per 8 bytes; a license server makes thousands a second).
    public static func random() -> Certificate.SerialNumber {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * index))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * index))
        }
        bytes[0] = bytes[0] & 0x3F | 0x40
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
    public static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
