import CALClearinghouse
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing

@Suite("Installing key packs")
struct PackInstallationTests {
    @Test("A pack for another server is refused and nothing is installed")
    func otherServer() async throws {
        let mine = try await Deployment.make(packs: [])
        let theirs = try await Deployment.make(packs: [])
        let pack = try theirs.pack(.perDevice, count: 5)
        // Signed by another clearinghouse too: refused as not validly signed for this server.
        #expect(await thrownCode { _ = try await mine.server.installPack(pack.signedBytes) } == "bad-pack-signature")
        #expect(try mine.server.status().packs.isEmpty)
    }

    @Test("A pack from the right clearinghouse bound to a sibling server is pack-not-for-this-server")
    func siblingServer() async throws {
        let deployment = try await Deployment.make(packs: [])
        let folder = try TemporaryFolder()
        let sibling = try LicenseServer.create(at: folder.file("sibling"), name: "Sibling")
        let chain = try deployment.clearinghouse.activate(
            try PEMBundle.request(at: sibling.home.file(LicenseServer.Files.activationRequest))
        )
        _ = try await sibling.installCertificate(chain: chain)
        let pack = try deployment.pack(.perDevice, count: 3)
        await #expect(throws: CALError.packNotForThisServer(packServerID: deployment.server.serverID, thisServerID: sibling.serverID)) {
            try await sibling.installPack(pack.signedBytes)
        }
        #expect(try sibling.status().packs.isEmpty)
    }

    @Test("Any altered byte of a pack is refused, in the content and in the signature")
    func alteredBytes() async throws {
        let deployment = try await Deployment.make(packs: [])
        let pack = try deployment.pack(.perDevice, count: 5)
        let bytes = pack.signedBytes
        let content = try pack.content.derBytes()
        let contentStart = try #require(bytes.firstRange(of: content)).lowerBound
        // The count, inside the signed content.
        var alteredContent = bytes
        let countOffset = try #require(content.firstRange(of: [0x02, 0x01, 0x05])).lowerBound + 2
        alteredContent[contentStart + countOffset] = 0x7F
        // The last byte of the signature.
        var alteredSignature = bytes
        alteredSignature[bytes.count - 1] ^= 0x01
        for altered in [alteredContent, alteredSignature, Array(bytes.prefix(bytes.count / 2)), [], [0x30, 0x00]] {
            do { let code = await thrownCode { _ = try await deployment.server.installPack(altered) }; #expect(code == "bad-pack-signature" || code == "malformed", "\(code)") }
        }
        #expect(try deployment.server.status().packs.isEmpty)
        _ = try await deployment.server.installPack(bytes)
        #expect(try deployment.server.status().packs.map(\.total) == [5])
    }

    @Test("A pack installed twice is refused the second time and counted once")
    func twice() async throws {
        let deployment = try await Deployment.make(packs: [])
        let pack = try deployment.pack(.perDevice, count: 4)
        _ = try await deployment.server.installPack(pack.signedBytes)
        await #expect(throws: CALError.packAlreadyInstalled(packID: pack.content.keyPackID)) {
            try await deployment.server.installPack(pack.signedBytes)
        }
        let status = try deployment.server.status()
        #expect(status.products.map(\.total) == [4])
    }

    @Test("A server that is not activated installs nothing")
    func notActivated() async throws {
        let deployment = try await Deployment.make(packs: [])
        let folder = try TemporaryFolder()
        let fresh = try LicenseServer.create(at: folder.file("fresh"), name: "Fresh")
        await #expect(throws: CALError.notActivated) {
            try await fresh.installPack(try deployment.pack(.perDevice, count: 1).signedBytes)
        }
    }
}
