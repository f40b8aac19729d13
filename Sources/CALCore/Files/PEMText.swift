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
        let header = Array("-----BEGIN \(type)-----\n".utf8)
        let footer = Array("-----END \(type)-----\(trailer)".utf8)
        let encodedLength = (derBytes.count + 2) / 3 * 4
        let lines = (encodedLength + 63) / 64
        let total = header.count + encodedLength + lines + footer.count
        return [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            var position = 0
            for byte in header {
                out[position] = byte
                position += 1
            }
            alphabet.withUnsafeBufferPointer { alphabet in
                derBytes.withUnsafeBufferPointer { input in
                    // Whole lines: 48 input bytes make 64 characters and a newline.
                    var index = 0
                    while index + 48 <= input.count {
                        for group in stride(from: index, to: index + 48, by: 3) {
                            let value = Int(input[group]) << 16 | Int(input[group + 1]) << 8 | Int(input[group + 2])
                            out[position] = alphabet[value >> 18]
                            out[position + 1] = alphabet[value >> 12 & 0x3F]
                            out[position + 2] = alphabet[value >> 6 & 0x3F]
                            out[position + 3] = alphabet[value & 0x3F]
                            position += 4
                        }
                        out[position] = 0x0A
                        position += 1
                        index += 48
                    }
                    // The last, shorter line, padded with '='.
                    guard index < input.count else { return }
                    while index < input.count {
                        let rest = input.count - index
                        let value = Int(input[index]) << 16 | (rest > 1 ? Int(input[index + 1]) << 8 : 0) | (rest > 2 ? Int(input[index + 2]) : 0)
                        out[position] = alphabet[value >> 18]
                        out[position + 1] = alphabet[value >> 12 & 0x3F]
                        out[position + 2] = rest > 1 ? alphabet[value >> 6 & 0x3F] : UInt8(ascii: "=")
                        out[position + 3] = rest > 2 ? alphabet[value & 0x3F] : UInt8(ascii: "=")
                        position += 4
                        index += 3
                    }
                    out[position] = 0x0A
                    position += 1
                }
            }
            for byte in footer {
                out[position] = byte
                position += 1
            }
            initialized = position
        }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
}
