import CALClearinghouse
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("One-time activation codes for the automatic method")
struct ActivationCodeTests {
    func newServerRequest(in folder: TemporaryFolder, _ name: String) throws -> CertificateSigningRequest {
        let server = try LicenseServer.create(at: folder.file(name), name: name)
        return try PEMBundle.request(at: server.home.file(LicenseServer.Files.activationRequest))
    }

    @Test("Required when asked for; single use; unknown and expired codes refused; hashed at rest and audited")
    func lifecycle() throws {
        let clock = MovingTimeSource(Date())
        let folder = try TemporaryFolder("codes")
        let clearinghouse = try Clearinghouse.create(at: folder.file("ch"), time: clock)
        let first = try newServerRequest(in: folder, "first")
        #expect(throws: CALError.activationCodeRequired) { try clearinghouse.activate(first, requireActivationCode: true) }
        #expect(throws: CALError.activationCodeInvalid) {
            try clearinghouse.activate(first, activationCode: ActivationCode.random(), requireActivationCode: true)
        }
        let issued = try clearinghouse.issueActivationCode(agreement: "A-1", validDays: 2)
        #expect(issued.code.description.count == 29)
        #expect(ActivationCode(issued.code.description.lowercased()) == issued.code)
        #expect(ActivationCode("not a code") == nil)
        _ = try clearinghouse.activate(first, activationCode: issued.code, requireActivationCode: true)
        // Spent: another server cannot use it, and a refused activation records nothing.
        let second = try newServerRequest(in: folder, "second")
        #expect(throws: CALError.activationCodeInvalid) { try clearinghouse.activate(second, activationCode: issued.code, requireActivationCode: true) }
        #expect(try clearinghouse.activations().count == 1)
        // Expired after its days.
        let late = try clearinghouse.issueActivationCode(agreement: "A-2", validDays: 1)
        clock.now = clock.now.addingTimeInterval(2 * 86_400)
        #expect(throws: CALError.activationCodeInvalid) { try clearinghouse.activate(second, activationCode: late.code, requireActivationCode: true) }
        // The file method (the operator signing a request by hand) needs no code.
        _ = try clearinghouse.activate(second)
        let events = try clearinghouse.auditLog().map(\.event)
        #expect(events.filter { $0 == "activation-code-issued" }.count == 2)
        #expect(events.filter { $0 == "activation-code-used" }.count == 1)
        // Only the hash is kept.
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: folder.file("ch/calkit.sqlite" + suffix)) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder.file("ch/calkit.sqlite" + suffix)))
            #expect(bytes.range(of: Data(issued.code.normalized.utf8)) == nil)
        }
        #expect(thrownCode { _ = try clearinghouse.issueActivationCode(agreement: "A-3", validDays: 91) } == "invalid-argument")
    }
}
