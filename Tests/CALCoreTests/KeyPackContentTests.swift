import CALCore
import Foundation
import SwiftASN1
import Testing

@Suite("The key pack content's DER codec")
struct KeyPackContentTests {
    let sample = KeyPackContent(
        keyPackID: CALIdentifier.random(),
        licenseServerID: CALIdentifier.random(),
        licenseType: .perUser,
        count: 250,
        product: "Remote Desktop",
        productVersion: "2026",
        agreementNumber: "4711-0001",
        issuedAt: Date(timeIntervalSince1970: 1_800_000_000.75)
    )

    @Test("Every field survives a round trip; time keeps whole seconds")
    func roundTrip() throws {
        let decoded = try KeyPackContent(derEncoded: try sample.derBytes())
        #expect(decoded == sample)
        #expect(decoded.issuedAt == Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test("A reissue's ledger id travels as [0] IMPLICIT PrintableString after issuedAt; a pack as first sold has none, and its DER is unchanged")
    func ledgerID() throws {
        var reissue = sample
        reissue.ledgerID = CALIdentifier.random()
        let bytes = try reissue.derBytes()
        #expect(try KeyPackContent(derEncoded: bytes) == reissue)
        let plain = try sample.derBytes()
        #expect(Array(bytes.prefix(2)) != Array(plain.prefix(2)) || bytes.count > plain.count)
        #expect(try KeyPackContent(derEncoded: plain).ledgerID == nil)
        // The tag: context-specific, primitive, number 0 (0x80), with the 35 characters.
        #expect(bytes.suffix(37).first == 0x80 && bytes.suffix(36).first == 35)
    }

    @Test("The content opens with id-ct-keyPack, and other content types are refused")
    func contentTypeFirst() throws {
        let bytes = try sample.derBytes()
        let root = try DER.parse(bytes)
        guard case .constructed(let nodes) = root.content, let first = nodes.first(where: { _ in true }) else {
            Issue.record("not a SEQUENCE")
            return
        }
        #expect(try ASN1ObjectIdentifier(derEncoded: first) == CALKitOID.keyPackContentType)

        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(CALKitOID.transferAuthorizationContentType)
        }
        #expect(throws: (any Error).self) { try KeyPackContent(derEncoded: serializer.serializedBytes) }
    }

    @Test("A count of zero or a negative count is refused")
    func countRange() throws {
        var zero = sample
        zero.count = 0
        #expect(throws: (any Error).self) { try KeyPackContent(derEncoded: try zero.derBytes()) }
        var negative = sample
        negative.count = -5
        #expect(throws: (any Error).self) { try KeyPackContent(derEncoded: try negative.derBytes()) }
    }
}
