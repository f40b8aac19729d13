import CALClient
import CALCore
import CALHost
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("A license that fails verification is never accepted by the host")
struct RefusedLicenseTests {
    func site(packs: [(LicenseType, Int)] = [(.perDevice, 5)]) async throws -> (Deployment, SessionHost, MovingTimeSource) {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: packs, time: clock)
        let host = try deployment.host("host-\(UUID().uuidString.prefix(6))", time: clock)
        return (deployment, host, clock)
    }

    @Test("A tampered stored license is refused with the verifier's code; the server can hand back the real one")
    func tampered() async throws {
        let (deployment, host, _) = try await site()
        let client = try deployment.client("PC-1")
        let issued = try deployment.issue(to: client)
        let original = deployment.folder.file("original.pem")
        try Data(try PEMBundle.pem(of: [issued.certificate, issued.issuer]).utf8).write(to: URL(fileURLWithPath: original))
        let stored = client.home.file(ClientIdentity.Files.licenses) + "/tampered.pem"
        try Tampering.flipCertificateByte(in: original, to: stored, needle: Deployment.product)
        #expect(try await host.logon(client, user: nil, source: nil) == .denied(reason: .badSignature))
        // Through the license server, the client's standing license comes back and is stored.
        #expect(try await host.logon(client, user: nil, source: deployment.server).description == "allowed licensed")
        #expect(try await host.logon(client, user: nil, source: nil).description == "allowed licensed")
    }

    @Test("Another device's license, another key's license and another product's license are not accepted")
    func wrongBindings() async throws {
        let (deployment, host, _) = try await site(packs: [(.perDevice, 5)])
        let owner = try deployment.client("PC-1")
        let license = try deployment.issue(to: owner)
        // A client that copies another device's license into its store.
        let thief = try deployment.client("PC-2")
        try FileManager.default.createDirectory(atPath: thief.home.file(ClientIdentity.Files.licenses), withIntermediateDirectories: true)
        try Data(try PEMBundle.pem(of: [license.certificate, license.issuer]).utf8)
            .write(to: URL(fileURLWithPath: thief.home.file(ClientIdentity.Files.licenses) + "/stolen.pem"))
        let stolen = try await host.logon(thief, user: nil, source: nil)
        #expect(stolen == .denied(reason: .wrongDevice))
        // A second key on the same device id: the license names the device but not the key.
        let twin = try ClientIdentity.create(at: deployment.folder.file("twin"), deviceID: "PC-1")
        try FileManager.default.copyItem(
            atPath: thief.home.file(ClientIdentity.Files.licenses) + "/stolen.pem",
            toPath: twin.home.file(ClientIdentity.Files.licenses) + "/copied.pem"
        )
        #expect(try await host.logon(twin, user: nil, source: nil) == .denied(reason: .wrongKey))
        // A host serving another product does not accept this product's license.
        let otherHost = try deployment.host("other-host", mode: .perDevice, product: "Other Product", time: SystemTimeSource())
        try owner.storeLicense(license.certificate, chain: [license.issuer])
        #expect(try await otherHost.logon(owner, user: nil, source: nil) == .denied(reason: .wrongProduct))
    }
}
