import Foundation

/// Damages files the way an attacker or a bad disk would, for refusal tests.
public enum Tampering {
    /// The first PEM certificate block of `text` as DER, and the rest of the text after it.
    static func firstBlock(_ text: String) -> (der: [UInt8], rest: String)? {
        guard let begin = text.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = text.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<text.endIndex)
        else { return nil }
        let body = text[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(body)) else { return nil }
        return (Array(data), String(text[end.upperBound...]))
    }

    static func pem(_ der: [UInt8], rest: String) -> String {
        "-----BEGIN CERTIFICATE-----\n" + Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
            + "\n-----END CERTIFICATE-----" + rest
    }

    /// Flips one bit of the first certificate in a PEM file: `fromEnd` bytes before the end of
    /// its DER (inside the signature), or at the first occurrence of `needle` (inside the TBS).
    public static func flipCertificateByte(in path: String, to output: String, fromEnd: Int? = nil, needle: String? = nil) throws {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        guard let block = firstBlock(text) else { throw CocoaError(.fileReadCorruptFile) }
        var der = block.der
        let rest = block.rest
        let index: Int
        if let fromEnd {
            index = der.count - fromEnd
        } else if let needle, let range = der.firstRange(of: Array(needle.utf8)) {
            index = range.lowerBound
        } else {
            throw CocoaError(.fileReadCorruptFile)
        }
        der[index] ^= 0x20
        try Data(pem(der, rest: rest).utf8).write(to: URL(fileURLWithPath: output))
    }
}
