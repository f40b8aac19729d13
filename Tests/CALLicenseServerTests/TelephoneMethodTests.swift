import CALClearinghouse
import CALClient
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

/// The telephone method end to end through the libraries, and the ways a customer's
/// administrator or a stranger on the line might cheat it.
@Suite("The telephone method: activation, key packs and transfers read out")
struct TelephoneMethodTests {
    /// A clearinghouse and a license server activated by telephone, with the vendor's certificates.
    struct Site {
        let folder: TemporaryFolder
        let clearinghouse: Clearinghouse
        let server: LicenseServer
        var vendor: [Certificate] { [clearinghouse.root, clearinghouse.signer] }

        static func make(rootKey: KeyType = .p256, serverKey: KeyType = .p256) async throws -> Site {
            let folder = try TemporaryFolder("telephone")
            let clearinghouse = try Clearinghouse.create(at: folder.file("ch"), keyType: rootKey)
            let server = try LicenseServer.create(at: folder.file("ls"), name: "Branch", keyType: serverKey)
            let site = Site(folder: folder, clearinghouse: clearinghouse, server: server)
            try await site.activate(site.server)
            return site
        }

        func newServer(_ name: String) throws -> LicenseServer {
            try LicenseServer.create(at: folder.file(name), name: name)
        }

        @discardableResult
        func activate(_ server: LicenseServer) async throws -> Certificate {
            let answer = try clearinghouse.activate(telephoneRequest: try spoken(server.telephoneActivationRequest()))
            return try await server.installTelephoneActivation(try spoken(answer.response), vendorCertificates: vendor)
        }

        func sellPack(count: Int = 5, type: LicenseType = .perDevice) throws -> Clearinghouse.TelephoneAnswer<KeyPack> {
            try clearinghouse.issuePack(
                telephoneServerID: server.serverID, licenseType: type, count: count, product: "Desk", productVersion: "1.0", agreementNumber: "4711"
            )
        }

        func install(_ response: TelephoneMessage, on server: LicenseServer? = nil, count: Int = 5, type: LicenseType = .perDevice) async throws -> KeyPackContent {
            try await (server ?? self.server).installTelephonePack(
                try spoken(response), licenseType: type, count: count, product: "Desk", productVersion: "1.0", agreementNumber: "4711"
            )
        }

        func client(_ deviceID: String) throws -> ClientIdentity {
            try ClientIdentity.create(at: folder.file("client-\(deviceID)"), deviceID: deviceID)
        }
    }

    /// The groups as a person reads them: printed, with numbers.
    static func spoken(_ message: TelephoneMessage) throws -> String {
        TelephoneCode.printed(try message.groups())
    }

    @Test("A server activated, sold a pack and moving a seat by telephone holds exactly what the file method would give it", arguments: [KeyType.p256, .ed25519, .p384])
    func fullStory(_ keyType: KeyType) async throws {
        let site = try await Site.make(rootKey: keyType, serverKey: keyType)
        // The certificate the server rebuilt is the one the clearinghouse recorded, and it verifies to the root.
        let certificate = try site.server.chain()[0]
        #expect(try site.clearinghouse.activations().map(\.certificateSerial) == [SerialNumbers.hex(certificate.serialNumber)])
        #expect(LicenseServerProfile.serverID(of: certificate) == site.server.serverID)
        #expect(site.clearinghouse.root.publicKey.isValidSignature(certificate.signature, for: certificate))

        // The pack the server rebuilt is byte for byte the pack the clearinghouse signed.
        let sale = try site.sellPack()
        let content = try await site.install(sale.response)
        #expect(content == sale.signed.content)
        #expect(try await site.server.signedKeyPacks() == [sale.signed.signedBytes])

        // A seat moves once.
        let first = try site.server.issue(request: try site.client("PC-A").request(), licenseType: .perDevice, temporary: false, product: "Desk")
        let serial = first.record.serial
        let request = try site.server.telephoneTransferRequest(serial: serial)
        let grant = try site.clearinghouse.authorizeTransfer(telephoneRequest: try Self.spoken(request))
        let moved = try await site.server.transfer(telephoneResponse: try Self.spoken(grant.response), serial: serial, request: try site.client("PC-B").request())
        #expect(try LicenseExtension(of: moved.certificate)?.transferredFrom == Array(first.certificate.serialNumber.bytes))
        #expect(try LicenseExtension(of: moved.certificate)?.seat == first.record.seat)
        #expect(thrownCode { _ = try site.clearinghouse.authorizeTransfer(telephoneRequest: try Self.spoken(request)) } == "seat-already-transferred")
        let again = try site.server.telephoneTransferRequest(serial: moved.record.serial)
        #expect(thrownCode { _ = try site.clearinghouse.authorizeTransfer(telephoneRequest: try Self.spoken(again)) } == "seat-already-transferred")
    }

    @Test("More seats than bought: a pack installed with a larger count, another type or product does not verify, and nothing is installed")
    func moreSeatsThanBought() async throws {
        let site = try await Site.make()
        let sale = try site.sellPack(count: 5)
        #expect(await thrownCode { _ = try await site.install(sale.response, count: 50) } == "bad-pack-signature")
        #expect(await thrownCode { _ = try await site.install(sale.response, type: .perUser) } == "bad-pack-signature")
        #expect(await thrownCode {
            _ = try await site.server.installTelephonePack(
                try Self.spoken(sale.response), licenseType: .perDevice, count: 5, product: "Desk Pro", productVersion: "1.0", agreementNumber: "4711"
            )
        } == "bad-pack-signature")
        #expect(try site.server.status().packs.isEmpty)
        // The true order installs once; the same response again changes nothing.
        _ = try await site.install(sale.response)
        #expect(await thrownCode { _ = try await site.install(sale.response) } == "pack-already-installed")
        #expect(try site.server.status().packs.map(\.total) == [5])
    }

    @Test("A forged response whose groups all check (a bit of the signature changed, checks recomputed) is refused")
    func forgedSignature() async throws {
        let site = try await Site.make()
        let sale = try site.sellPack()
        guard case .packResponse(let id, let issuedAt, var signature) = sale.response else { Issue.record("not a pack response"); return }
        signature.raw[10] ^= 0x01
        let forged = TelephoneMessage.packResponse(keyPackID: id, issuedAt: issuedAt, signature: signature)
        #expect(await thrownCode { _ = try await site.install(forged) } == "bad-pack-signature")
        // A later issuedAt (to look like another pack) does not verify either.
        guard case .packResponse(_, _, let genuine) = sale.response else { return }
        let shifted = TelephoneMessage.packResponse(keyPackID: CALIdentifier.random(), issuedAt: issuedAt, signature: genuine)
        #expect(await thrownCode { _ = try await site.install(shifted) } == "bad-pack-signature")
        #expect(try site.server.status().packs.isEmpty)
    }

    @Test("One server's responses do not install on another: activation, pack and grant are bound to the server")
    func boundToTheServer() async throws {
        let site = try await Site.make()
        // B hears A's activation response: the certificate it rebuilds (B's id, B's key) does not verify.
        let serverB = try site.newServer("B")
        let answerA = try site.clearinghouse.activate(telephoneRequest: try Self.spoken(try site.newServer("A").telephoneActivationRequest()))
        #expect(await thrownCode { _ = try await serverB.installTelephoneActivation(try Self.spoken(answerA.response), vendorCertificates: site.vendor) } == "telephone-code-invalid")
        #expect(!FileManager.default.fileExists(atPath: serverB.home.file(LicenseServer.Files.chain)))
        // B, activated properly, hears the pack sold to the first server: it does not verify for B's id.
        try await site.activate(serverB)
        let sale = try site.sellPack()
        #expect(await thrownCode { _ = try await site.install(sale.response, on: serverB) } == "bad-pack-signature")
        // A second activation of the same id by telephone is refused like any other.
        #expect(thrownCode { _ = try site.clearinghouse.activate(telephoneRequest: try Self.spoken(try serverB.telephoneActivationRequest())) } == "already-activated")
    }

    @Test("A response under another clearinghouse's root, or without the vendor's root, is refused")
    func wrongRoot() async throws {
        let site = try await Site.make()
        let other = try Clearinghouse.create(at: site.folder.file("other-ch"))
        let server = try site.newServer("C")
        let answer = try site.clearinghouse.activate(telephoneRequest: try Self.spoken(try server.telephoneActivationRequest()))
        #expect(await thrownCode { _ = try await server.installTelephoneActivation(try Self.spoken(answer.response), vendorCertificates: [other.root]) } == "telephone-code-invalid")
        #expect(await thrownCode { _ = try await server.installTelephoneActivation(try Self.spoken(answer.response), vendorCertificates: [site.clearinghouse.signer]) } == "chain-does-not-verify")
        // A response of another kind is named for what it is.
        #expect(throws: CALError.telephoneCodeInvalid("this is a key pack response, not an activation response")) {
            _ = try TelephoneMessage.read(try Self.spoken(try site.sellPack().response), expecting: .activationResponse)
        }
    }

    @Test("Transfers by telephone: a seat not sold, out of range, per user, or not held by the serial is refused")
    func transferAttacks() async throws {
        let site = try await Site.make()
        let sale = try site.sellPack(count: 2)
        _ = try await site.install(sale.response, count: 2)
        let users = try site.sellPack(count: 3, type: .perUser)
        _ = try await site.install(users.response, count: 3, type: .perUser)
        let first = try site.server.issue(request: try site.client("PC-1").request(), licenseType: .perDevice, temporary: false, product: "Desk")
        let second = try site.server.issue(request: try site.client("PC-2").request(), licenseType: .perDevice, temporary: false, product: "Desk")
        let serial = Array(first.certificate.serialNumber.bytes)
        func grant(_ request: TelephoneMessage) -> String {
            thrownCode { _ = try site.clearinghouse.authorizeTransfer(telephoneRequest: try Self.spoken(request)) }
        }
        #expect(grant(.transferRequest(keyPackID: CALIdentifier.random(), seat: 1, oldSerial: serial)) == "not-transferable")
        #expect(grant(.transferRequest(keyPackID: sale.signed.content.keyPackID, seat: 3, oldSerial: serial)) == "not-transferable")
        #expect(grant(.transferRequest(keyPackID: users.signed.content.keyPackID, seat: 1, oldSerial: serial)) == "not-transferable")
        // The admin reads out seat 2 with the serial of the CAL on seat 1: the grant is made for
        // what was read, and the server, which rebuilds it from its ledger, refuses it.
        let seatOfFirst = first.record.seat ?? 0
        let otherSeat = seatOfFirst == 1 ? 2 : 1
        let crafted = try site.clearinghouse.authorizeTransfer(
            telephoneRequest: try Self.spoken(.transferRequest(keyPackID: sale.signed.content.keyPackID, seat: otherSeat, oldSerial: serial))
        )
        #expect(await thrownCode {
            _ = try await site.server.transfer(telephoneResponse: try Self.spoken(crafted.response), serial: first.record.serial, request: try site.client("PC-3").request())
        } == "bad-grant-signature")
        // Nor does the grant move the CAL that does hold that seat: it names another serial.
        #expect(await thrownCode {
            _ = try await site.server.transfer(telephoneResponse: try Self.spoken(crafted.response), serial: second.record.serial, request: try site.client("PC-4").request())
        } == "bad-grant-signature")
        #expect(try site.server.status().licensesIssued.total == 2)
    }

    @Test("A clearinghouse with an RSA root cannot answer by telephone, and records nothing when it says so")
    func rsaRoot() async throws {
        let folder = try TemporaryFolder("telephone-rsa")
        let clearinghouse = try Clearinghouse.create(at: folder.file("ch"), keyType: .rsa3072)
        let server = try LicenseServer.create(at: folder.file("ls"), name: "Branch")
        #expect(thrownCode { _ = try clearinghouse.activate(telephoneRequest: try Self.spoken(try server.telephoneActivationRequest())) } == "unsupported-key")
        #expect(try clearinghouse.activations().isEmpty)
    }
}
