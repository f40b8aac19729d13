import Foundation

/// PEM text written in time linear in its size.
///
/// swift-asn1's encoder counts the remaining characters again for every 64-character line, so
/// its time grows with the square of the size: a CRL of 10,000 entries took 65 times longer as
/// PEM than as DER. Large artefacts (CRLs) are written through this instead; the text is the
/// same, byte for byte (PEMTextTests).
public enum PEMText {
    /// `-----BEGIN TYPE-----`, the base64 of `derBytes` in lines of 64 characters, `-----END TYPE-----` (no final newline).
    public static func encode(type: String, derBytes: [UInt8]) -> String {
        let base64 = Array(Data(derBytes).base64EncodedString().utf8)
        var out: [UInt8] = []
        out.reserveCapacity(base64.count + base64.count / 64 + 2 * type.utf8.count + 40)
        out += Array("-----BEGIN \(type)-----\n".utf8)
        var start = 0
        while start < base64.count {
            let end = min(start + 64, base64.count)
            out += base64[start..<end]
            out.append(0x0A)
            start = end
        }
        out += Array("-----END \(type)-----".utf8)
        return String(decoding: out, as: UTF8.self)
    }
}
