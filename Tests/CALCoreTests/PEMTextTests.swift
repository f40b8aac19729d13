import CALCore
import Foundation
import SwiftASN1
import Testing

@Suite("PEM text in linear time, the same text as swift-asn1's")
struct PEMTextTests {
    @Test("Byte for byte what swift-asn1 writes, for every length from 0 to 200 and for 100,000 bytes; it reads back")
    func sameText() throws {
        var generator = SystemRandomNumberGenerator()
        for length in Array(0...200) + [100_000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = PEMText.encode(type: "X509 CRL", derBytes: bytes)
            if length <= 200 { #expect(text == PEMDocument(type: "X509 CRL", derBytes: bytes).pemString, "length \(length)") }
            if length > 0 { #expect(try PEMDocument(pemString: text).derBytes == bytes) }
        }
    }
}
