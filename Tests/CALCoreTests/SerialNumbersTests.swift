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

    @Test("Not hex, an odd count of digits, nothing, or a sign are refused with invalid-argument; upper case reads")
    func hexRefusals() throws {
        for text in ["", ":", "0", "abc", "0g", "+0a", "0a ", "é0", "0x0a"] {
            #expect(throws: CALError.self, "\(text)") { try SerialNumbers.bytes(fromHex: text) }
        }
        #expect(try SerialNumbers.bytes(fromHex: "7FAB") == [0x7f, 0xab])
    }
}
