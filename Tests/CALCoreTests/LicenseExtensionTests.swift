@testable import CALCore
import SwiftASN1
import Testing

@Suite("The license extension's DER codec")
struct LicenseExtensionTests {
    let sample = LicenseExtension(
        licenseType: .perDevice,
        status: .permanent,
        product: "Remote Desktop",
        productVersion: "2026",
        licenseServerID: CALIdentifier.random(),
        subjectHash: LicenseSubject.device("PC-1").hash,
        keyPackID: CALIdentifier.random(),
        transferredFrom: [0x12, 0x34],
        seat: 7
    )

    @Test("Every field survives a round trip through DER")
    func roundTrip() throws {
        var serializer = DER.Serializer()
        try serializer.serialize(sample)
        let decoded = try LicenseExtension(derEncoded: serializer.serializedBytes)
        #expect(decoded == sample)
    }

    @Test("The signer's direct encoding is byte for byte swift-asn1's: every type and status, optional fields in and out, long strings, seats across byte boundaries; what PrintableString cannot hold is refused as before")
    func directEncoding() throws {
        var generator = SystemRandomNumberGenerator()
        for index in 0..<400 {
            var value = sample
            value.licenseType = index % 2 == 0 ? .perDevice : .perUser
            value.status = index % 3 == 0 ? .temporary : .permanent
            value.product = String(repeating: "Désk ", count: index % 40)
            value.productVersion = String(index)
            value.keyPackID = index % 4 == 0 ? nil : CALIdentifier.random()
            value.transferredFrom = index % 5 == 0 ? nil : (0..<(index % 200)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            value.seat = index % 6 == 0 ? nil : [0, 1, 127, 128, 255, 256, 65_535, 65_536, Int(Int32.max)][index % 9]
            var serializer = DER.Serializer()
            try serializer.serialize(value)
            #expect(try value.derBytes() == serializer.serializedBytes, "\(value)")
        }
        var bad = sample
        bad.licenseServerID = "not*printable"
        #expect(throws: (any Error).self) { try bad.derBytes() }
    }

    @Test("Optional fields are left out when absent and read back as absent")
    func optionalFields() throws {
        var temporary = sample
        temporary.status = .temporary
        temporary.keyPackID = nil
        temporary.transferredFrom = nil
        temporary.seat = nil
        var serializer = DER.Serializer()
        try serializer.serialize(temporary)
        let decoded = try LicenseExtension(derEncoded: serializer.serializedBytes)
        #expect(decoded.keyPackID == nil)
        #expect(decoded.transferredFrom == nil)
        #expect(decoded.seat == nil)
        #expect(decoded == temporary)
        var full = DER.Serializer()
        try full.serialize(sample)
        #expect(serializer.serializedBytes.count < full.serializedBytes.count)
    }

    @Test("Truncated, empty and garbage bytes are refused without a crash")
    func malformedInput() throws {
        var serializer = DER.Serializer()
        try serializer.serialize(sample)
        let bytes = serializer.serializedBytes
        for cut in [0, 1, 2, bytes.count / 2, bytes.count - 1] {
            #expect(throws: (any Error).self) { try LicenseExtension(derEncoded: Array(bytes.prefix(cut))) }
        }
        #expect(throws: (any Error).self) { try LicenseExtension(derEncoded: [0x30, 0x03, 0x02, 0x01, 0x09]) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let garbage = (0..<Int.random(in: 1...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? LicenseExtension(derEncoded: garbage)
        }
    }

    @Test("An unknown license type or a hash of the wrong length is refused")
    func invalidValues() throws {
        var wrongHash = sample
        wrongHash.subjectHash = [1, 2, 3]
        var serializer = DER.Serializer()
        try serializer.serialize(wrongHash)
        #expect(throws: (any Error).self) { try LicenseExtension(derEncoded: serializer.serializedBytes) }

        var good = DER.Serializer()
        try good.serialize(sample)
        var bytes = good.serializedBytes
        // The first ENUMERATED (license type) is at a fixed place: 30 len 02 01 01 0A 01 <type>.
        let typeIndex = bytes.firstIndex(of: 0x0A)! + 2
        bytes[typeIndex] = 7
        #expect(throws: (any Error).self) { try LicenseExtension(derEncoded: bytes) }
    }
}
