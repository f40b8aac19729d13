@testable import CALCore
import Crypto
import Testing

@Suite("DERBytes: the encodings the license signer assembles itself")
struct DERBytesTests {
    @Test("An ECDSA signature from raw r || s is byte for byte swift-crypto's DER, short r and s included (3,000 signatures)")
    func ecdsaSignature() throws {
        let key = P256.Signing.PrivateKey()
        var shortened = 0
        for index in 0..<3_000 {
            let signature = try key.signature(for: [UInt8(index & 0xFF), UInt8(index >> 8)])
            let der = Array(signature.derRepresentation)
            #expect(DERBytes.ecdsaSignature(raw: signature.rawRepresentation) == der)
            if der.count < 70 { shortened += 1 }
        }
        // Edge values by hand: zero, a top bit set, leading zero bytes.
        let raw: [UInt8] = [0, 0, 0x80] + [UInt8](repeating: 0, count: 29) + [UInt8](repeating: 0, count: 32)
        #expect(DERBytes.ecdsaSignature(raw: raw) == expected(raw))
        #expect(expected(raw).prefix(4) == [0x30, 0x24, 0x02, 0x1F])
        #expect(shortened > 0, "some signatures have an r or s shorter than 32 bytes")
    }

    /// The DER of (r, s) from raw bytes, by the rules: minimal, non-negative.
    private func expected(_ raw: [UInt8]) -> [UInt8] {
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var trimmed = Array(bytes.drop { $0 == 0 })
            if trimmed.isEmpty { trimmed = [0] }
            if trimmed[0] & 0x80 != 0 { trimmed.insert(0, at: 0) }
            return [0x02, UInt8(trimmed.count)] + trimmed
        }
        let body = integer(raw[0..<32]) + integer(raw[32...])
        return [0x30, UInt8(body.count)] + body
    }

    @Test("Non-negative integers: zero, byte boundaries and the top bit")
    func integers() {
        #expect(DERBytes.integerContents(0) == [0])
        #expect(DERBytes.integerContents(127) == [0x7F])
        #expect(DERBytes.integerContents(128) == [0x00, 0x80])
        #expect(DERBytes.integerContents(256) == [0x01, 0x00])
        #expect(DERBytes.integerContents(UInt64(Int32.max)) == [0x7F, 0xFF, 0xFF, 0xFF])
    }
}
