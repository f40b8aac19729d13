import CALClearinghouse
import CALClient
import CALCore
import CALHost
import CALLicenseServer
import CALStore
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("Logons across key rotations: compromise recovery and client re-key")
struct KeyRotationLogonTests {
    typealias Site = HostSite

    func site(seats: Int) async throws -> Site { try await HostSite.make(packs: [(.perDevice, seats)]) }

    /// Logs `client` on until it holds a permanent CAL; returns that CAL's serial.
    func licensed(_ client: ClientIdentity, at site: Site) async throws -> String {
        let decision = try await site.logOnTwice(client)
        #expect(decision.outcome == "allowed" && decision.detail == "licensed")
        return try #require(decision.serial)
    }

    func record(_ serial: String, in deployment: Deployment) throws -> LicenseRecord {
        try #require(try deployment.server.issuedLicenses().first { $0.serial == serial })
    }

    @Test("After a compromise, each affected client's next logon gets a replacement on its seat from the new key; no seat is consumed")
    func compromiseReplacement() async throws {
        let site = try await site(seats: 3)
        let clients = try ["PC-1", "PC-2"].map { try site.deployment.client($0) }
        var serials: [String] = []
        for client in clients { serials.append(try await licensed(client, at: site)) }
        let issuedBefore = try site.deployment.server.status().products.first?.issued
        let oldCertificate = try site.deployment.server.chain()[0]

        let rotation = try site.deployment.server.rotate(compromised: true)
        let chain = try site.deployment.clearinghouse.activate(try PEMBundle.request(at: rotation.requestPath))
        _ = try await site.deployment.server.installCertificate(chain: chain)
        let rootList = try site.deployment.clearinghouse.revocationList()

        for (client, oldSerial) in zip(clients, serials) {
            let decision = try await site.host.logon(client, user: nil, source: site.deployment.server)
            #expect(decision.detail == "licensed")
            let newSerial = try #require(decision.serial)
            #expect(newSerial != oldSerial)
            let old = try record(oldSerial, in: site.deployment)
            let new = try record(newSerial, in: site.deployment)
            #expect(new.keyPackID == old.keyPackID && new.seat == old.seat && new.notAfter == old.notAfter)
            #expect(new.issuerKeyID == chain[0].publicKey.keyIdentifier)
            // The client now presents only the replacement, which passes a verifier with the root CRL.
            let stored = try client.storedLicenses()
            #expect(stored.map { SerialNumbers.hex($0.license.serialNumber) } == [newSerial])
            let verifier = LicenseVerifier(
                trustRoots: [site.deployment.clearinghouse.root], intermediates: [oldCertificate, chain[0]], revocationLists: [rootList]
            )
            if case .failure(let rejection) = await verifier.verify(stored[0].license, at: site.clock.now) {
                Issue.record("the replacement fails: \(rejection)")
            }
            // The next logon keeps it: nothing more is issued.
            #expect(try await site.host.logon(client, user: nil, source: site.deployment.server).serial == newSerial)
        }
        #expect(try site.deployment.server.status().products.first?.issued == issuedBefore)
        #expect(try site.deployment.server.auditLog().filter { $0.event == "license-replaced" }.count == 2)
    }

    @Test("A client re-key moves its license to the new key on the same seat; the old one is revoked as superseded")
    func clientRekey() async throws {
        let site = try await site(seats: 2)
        let client = try site.deployment.client("PC-1")
        let oldSerial = try await licensed(client, at: site)
        let oldKey = client.publicKey
        let rotated = try client.rotate()
        #expect(rotated.publicKey != oldKey)
        #expect(try rotated.storedLicenses().isEmpty)
        #expect(FileManager.default.fileExists(atPath: rotated.home.file("retired/\(oldKey.keyIdentifier)-client-key.pem")))

        let decision = try await site.host.logon(rotated, user: nil, source: site.deployment.server)
        #expect(decision.detail == "licensed")
        let newSerial = try #require(decision.serial)
        let old = try record(oldSerial, in: site.deployment)
        let new = try record(newSerial, in: site.deployment)
        #expect(new.seat == old.seat && new.keyPackID == old.keyPackID)
        let stored = try #require(try rotated.storedLicenses().first { SerialNumbers.hex($0.license.serialNumber) == newSerial })
        #expect(stored.license.publicKey == rotated.publicKey)
        #expect(old.revocationReason == .superseded && old.revokedAt != nil)
        let crl = try site.deployment.server.revocationList()
        #expect(crl.entries.count == 1)
        #expect(crl.entries.first?.reason == .superseded)
        #expect(try site.deployment.server.status().products.first?.issued == 1)
        #expect(try await site.host.logon(rotated, user: nil, source: site.deployment.server).serial == newSerial)
    }

    @Test("A stranger claiming a licensed device id with its own key gets nothing, even with a forged continuity")
    func strangerCannotTakeOver() async throws {
        let site = try await site(seats: 1)
        let client = try site.deployment.client("PC-1")
        let serial = try await licensed(client, at: site)
        let stranger = try ClientIdentity.create(at: site.deployment.folder.file("stranger"), deviceID: "PC-1")
        let decision = try await site.host.logon(stranger, user: nil, source: site.deployment.server)
        // The device holds a standing CAL for another key, and its one temporary license is spent.
        #expect(decision == .denied(reason: .alreadyLicensed))
        let forgedKey = try KeyType.p256.generate()
        let forged = try ClientLicenseRequest.make(
            for: .device("PC-1"), key: forgedKey,
            continuity: try KeyContinuity(from: try KeyType.p256.generate(), to: forgedKey.publicKey, compromised: false)
        )
        let grant = try await site.deployment.server.requestLicense(LicenseRequest(csr: forged, mode: .perDevice, product: Deployment.product))
        guard case .refused(let refusal) = grant else {
            Issue.record("a forged continuity got \(grant)")
            return
        }
        #expect(refusal.code == .alreadyLicensed)
        #expect(try record(serial, in: site.deployment).issuerKeyID != nil)
        #expect(try site.deployment.server.revocationList().entries.isEmpty)
    }
}
