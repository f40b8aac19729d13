import CALCore
import Testing

@Suite("Serial numbers and key identifiers as hex")
struct SerialNumbersTests {
    @Test("Lower-case, two digits per byte, leading zeros kept; and back")
    func hexRoundTrip() throws {
        #expect(SerialNumbers.hex([UInt8]()) == "")
        #expect(SerialNumbers.hex([0x00, 0x0a, 0xff, 0x10]) == "000aff10")
        let all = (0...255).map(UInt8.init)
        let text = SerialNumbers.hex(all)
        #expect(text.count == 512)
        #expect(text == all.map { String(format: "%02x", $0) }.joined())
        #expect(try SerialNumbers.bytes(fromHex: text) == all)
        #expect(try SerialNumbers.bytes(fromHex: "0A:FF") == [0x0a, 0xff])
    }
}
