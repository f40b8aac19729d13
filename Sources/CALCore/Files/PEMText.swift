import Foundation

/// PEM text written in time linear in its size.
///
/// swift-asn1's encoder counts the remaining characters again for every 64-character line, so
/// its time grows with the square of the size: a CRL of 10,000 entries took 65 times longer as
/// PEM than as DER. Large artefacts (CRLs) are written through this instead, in one pass from
/// DER to the bytes of the text; the text is the same, byte for byte (PEMTextTests).
public enum PEMText {
    /// `-----BEGIN TYPE-----`, the base64 of `derBytes` in lines of 64 characters, `-----END TYPE-----` (no final newline).
    public static func encode(type: String, derBytes: [UInt8]) -> String {
        String(decoding: encodeBytes(type: type, derBytes: derBytes), as: UTF8.self)
    }

    /// ``encode(type:derBytes:)`` as UTF-8 bytes, followed by `trailer` (for a file's final newline).
    public static func encodeBytes(type: String, derBytes: [UInt8], trailer: String = "") -> [UInt8] {
        let encodedLength = (derBytes.count + 2) / 3 * 4
        var out: [UInt8] = []
        out.reserveCapacity(encodedLength + encodedLength / 64 + 2 * type.utf8.count + 40 + trailer.utf8.count)
        out += Array("-----BEGIN \(type)-----\n".utf8)
        derBytes.withUnsafeBufferPointer { input in
            var lineLength = 0
            var index = 0
            func emit(_ character: UInt8) {
                out.append(character)
                lineLength += 1
                if lineLength == 64 {
                    out.append(0x0A)
                    lineLength = 0
                }
            }
            while index + 3 <= input.count {
                let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                emit(alphabet[Int(group >> 18)])
                emit(alphabet[Int(group >> 12 & 0x3F)])
                emit(alphabet[Int(group >> 6 & 0x3F)])
                emit(alphabet[Int(group & 0x3F)])
                index += 3
            }
            let rest = input.count - index
            if rest > 0 {
                let group = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
                emit(alphabet[Int(group >> 18)])
                emit(alphabet[Int(group >> 12 & 0x3F)])
                emit(rest == 2 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
                emit(UInt8(ascii: "="))
            }
            if lineLength > 0 { out.append(0x0A) }
        }
        out += Array("-----END \(type)-----\(trailer)".utf8)
        return out
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
}
