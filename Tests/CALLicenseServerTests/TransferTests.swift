import CALClearinghouse
import CALClient
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("The once-only transfer of a CAL's seat")
struct TransferTests {
    @Test("A→B works once; B→C and A again are refused, also after a restart; A is revoked by CRL and OCSP; B verifies")
    func fullStory() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 10)])
        let a = try deployment.issue(to: try deployment.client("PC-A")).certificate
        let grant = try deployment.clearinghouse.authorizeTransfer(of: a)
        #expect(grant.content.oldSerial == Array(a.serialNumber.bytes))
        let deviceB = try deployment.client("PC-B")
        let b = try await deployment.server.transfer(grant: grant.signedBytes, request: try deviceB.request())
        let extensionA = try #require(try LicenseExtension(of: a))
        let extensionB = try #require(try LicenseExtension(of: b.certificate))
        #expect(extensionB.transferredFrom == Array(a.serialNumber.bytes))
        #expect(extensionB.seat == extensionA.seat)
        #expect(extensionB.keyPackID == extensionA.keyPackID)
        #expect(extensionB.status == .permanent)
        #expect(b.certificate.publicKey == deviceB.publicKey)

        // The seat count does not change.
        let usage = try #require(try deployment.server.status().products.first)
        #expect(usage.issued == 1)
        #expect(usage.free == 9)

        // B→C, and A again, are refused — also by a clearinghouse opened afresh.
        #expect(throws: CALError.seatAlreadyTransferred(keyPackID: extensionA.keyPackID ?? "", seat: extensionA.seat ?? 0)) {
            try deployment.clearinghouse.authorizeTransfer(of: b.certificate)
        }
        let restarted = try Clearinghouse(home: deployment.clearinghouse.home.path)
        #expect(thrownCode { _ = try restarted.authorizeTransfer(of: a) } == "seat-already-transferred")
        #expect(thrownCode { _ = try restarted.authorizeTransfer(of: b.certificate) } == "seat-already-transferred")

        // Replaying the grant changes nothing.
        await #expect(throws: CALError.grantAlreadyUsed(grantID: grant.content.grantID)) {
            try await deployment.server.transfer(grant: grant.signedBytes, request: try deployment.client("PC-C").request())
        }
        #expect(try deployment.server.status().licensesIssued.total == 2)

        // A is revoked (superseded) in the next CRL and by OCSP; B verifies.
        let crl = try deployment.server.revocationList()
        #expect(crl.entry(for: Array(a.serialNumber.bytes))?.reason == .superseded)
        #expect(crl.entry(for: Array(b.certificate.serialNumber.bytes)) == nil)
        let server = try deployment.server.chain()[0]
        let request = try OCSPRequest(certificateIDs: [
            try OCSPCertificateID(certificate: a, issuer: server), try OCSPCertificateID(certificate: b.certificate, issuer: server),
        ])
        let response = try deployment.server.ocspResponse(to: try request.derBytes())
        guard case .revoked(_, let reason) = response.responses[0].status else {
            Issue.record("A is not revoked by OCSP")
            return
        }
        #expect(reason == .superseded)
        #expect(response.responses[1].status == .good)
        let verifier = LicenseVerifier(trustRoots: [deployment.clearinghouse.root], intermediates: [server], revocationLists: [crl])
        #expect((try? await verifier.verify(b.certificate, at: Date(), expecting: .init(deviceID: "PC-B")).get()) != nil)
        if case .failure(let rejection) = await verifier.verify(a, at: Date()) {
            #expect(rejection.code == .revoked)
        } else {
            Issue.record("A still verifies")
        }
    }

    @Test("A grant for another server, a tampered grant and a per-user license are refused")
    func refusals() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 10), (.perUser, 5)])
        let a = try deployment.issue(to: try deployment.client("PC-A")).certificate
        let grant = try deployment.clearinghouse.authorizeTransfer(of: a)

        let folder = try TemporaryFolder()
        let sibling = try LicenseServer.create(at: folder.file("sibling"), name: "Sibling")
        _ = try await sibling.installCertificate(
            chain: try deployment.clearinghouse.activate(try PEMBundle.request(at: sibling.home.file(LicenseServer.Files.activationRequest)))
        )
        await #expect(throws: CALError.grantNotForThisServer(grantServerID: deployment.server.serverID, thisServerID: sibling.serverID)) {
            try await sibling.transfer(grant: grant.signedBytes, request: try deployment.client("PC-S").request())
        }

        var tampered = grant.signedBytes
        let seatAt = try #require(tampered.firstRange(of: Array(grant.content.keyPackID.utf8))).lowerBound
        tampered[seatAt] ^= 0x01
        await #expect {
            try await deployment.server.transfer(grant: tampered, request: try deployment.client("PC-T").request())
        } throws: { error in
            (error as? CALError)?.code == .grantSignatureInvalid
        }
        for cut in [0, 10, grant.signedBytes.count / 2] {
            let code = await thrownCode {
                _ = try await deployment.server.transfer(grant: Array(grant.signedBytes.prefix(cut)), request: try deployment.client("PC-U\(cut)").request())
            }
            #expect(code == "malformed")
        }

        let user = try deployment.issue(to: try deployment.client("PC-V"), user: "v@example.com").certificate
        #expect(thrownCode { _ = try deployment.clearinghouse.authorizeTransfer(of: user) } == "not-transferable")
        let temporary = try deployment.issue(to: try deployment.client("PC-W"), temporary: true).certificate
        #expect(thrownCode { _ = try deployment.clearinghouse.authorizeTransfer(of: temporary) } == "not-transferable")

        let stranger = try await Deployment.make(packs: [(.perDevice, 1)])
        let foreign = try stranger.issue(to: try stranger.client("PC-X")).certificate
        #expect(thrownCode { _ = try deployment.clearinghouse.authorizeTransfer(of: foreign) } == "not-transferable")

        // The untouched grant still works once after all that.
        _ = try await deployment.server.transfer(grant: grant.signedBytes, request: try deployment.client("PC-B").request())
    }

    @Test("Revocations made for a transfer do not count against the quota")
    func quotaUntouched() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 10)])
        let licenses = try (1...3).map { try deployment.issue(to: try deployment.client("PC-\($0)")).certificate }
        let grant = try deployment.clearinghouse.authorizeTransfer(of: licenses[0])
        _ = try await deployment.server.transfer(grant: grant.signedBytes, request: try deployment.client("PC-NEW").request())
        try deployment.server.revoke(serial: SerialNumbers.hex(licenses[1].serialNumber), reason: .keyCompromise)
        try deployment.server.revoke(serial: SerialNumbers.hex(licenses[2].serialNumber), reason: .keyCompromise)
    }
}
