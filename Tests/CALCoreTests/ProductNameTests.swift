import CALCore
import CALTestSupport
import Testing

@Suite("One rule for product names")
struct ProductNameTests {
    @Test("1 to 64 printable characters pass; empty, longer or with control characters is invalid-argument, in one wording")
    func productNames() {
        #expect(thrownCode { try ProductName.validate("Remote Desktop") } == "none")
        #expect(thrownCode { try ProductName.validate(String(repeating: "é", count: 64)) } == "none")
        #expect(thrownCode { try ProductName.validate("") } == "invalid-argument")
        #expect(thrownCode { try ProductName.validate(String(repeating: "x", count: 65)) } == "invalid-argument")
        #expect(thrownCode { try ProductName.validate("Desk\nTop") } == "invalid-argument")
        #expect(throws: CALError.invalidArgument("the product name must be 1 to 64 characters")) { try ProductName.validate("") }
    }
}
