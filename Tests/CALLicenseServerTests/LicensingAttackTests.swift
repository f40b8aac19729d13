import CALClient
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

/// The attacks that once got licenses from the license server, each now refused.
@Suite("Cheating the license server gets nothing")
struct LicensingAttackTests {
    func hex(_ certificate: Certificate) -> String { SerialNumbers.hex(certificate.serialNumber) }

    func refusal(_ grant: LicenseGrant) -> CALError.Code? {
        if case .refused(let refusal) = grant { return refusal.code }
        return nil
    }

    func issued(_ grant: LicenseGrant) -> Certificate? {
        if case .issued(let license, _) = grant { return license }
        return nil
    }

    func request(_ client: ClientIdentity, presenting presented: Certificate? = nil, product: String = Deployment.product) throws -> LicenseRequest {
        LicenseRequest(csr: try client.request(), mode: .perDevice, product: product, presented: presented)
    }

    @Test("A self-signed license carrying another client's serial is untrusted-license; the victim's CAL stands")
    func forgedPresentedLicense() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 5)])
        let victim = try deployment.issue(to: try deployment.client("PC-VICTIM"))
        let attacker = try deployment.client("PC-EVIL")
        // A temporary license for the attacker's device and key, with the victim's serial,
        // naming the real server as its issuer but signed by the attacker's own key.
        let forged = try ClientLicenseProfile.makeCertificate(
            ClientLicenseProfile.Contents(
                publicKey: attacker.publicKey,
                subject: .device("PC-EVIL"),
                license: LicenseExtension(
                    licenseType: .perDevice, status: .temporary, product: Deployment.product, productVersion: "1.0",
                    licenseServerID: deployment.server.serverID, subjectHash: LicenseSubject.device("PC-EVIL").hash
                ),
                serialNumber: victim.certificate.serialNumber,
                notBefore: Date().addingTimeInterval(-3600),
                notAfter: Date().addingTimeInterval(80 * 86_400)
            ),
            issuer: try deployment.server.chain()[0],
            issuerKey: try KeyType.p256.generate()
        )
        let grant = try await deployment.server.requestLicense(try request(attacker, presenting: forged))
        #expect(refusal(grant) == .untrustedLicense)
        let record = try #require(try deployment.server.issuedLicenses().first { $0.serial == hex(victim.certificate) })
        #expect(record.supersededBy == nil)
        #expect(try deployment.server.issuedLicenses().count == 1)
    }

    @Test("Renewal without the licensed key is no-proof-of-possession, in process and through the logon flow")
    func renewalNeedsTheLicensedKey() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 1)], time: clock)
        let victim = try deployment.issue(to: try deployment.client("PC-1"))
        clock.now = victim.certificate.notValidAfter.addingTimeInterval(-2 * 86_400)
        // The thief knows the serial and the device id, and has a key of its own.
        let thief = try ClientIdentity.create(at: deployment.folder.file("thief"), deviceID: "PC-1")
        let stolen = #expect(throws: CALError.self) {
            try deployment.server.renew(serial: hex(victim.certificate), request: try thief.request())
        }
        #expect(stolen?.code == .noProofOfPossession)
        // Presenting the victim's (public) certificate with the thief's request gets nothing either.
        let grant = try await deployment.server.requestLicense(try request(thief, presenting: victim.certificate))
        #expect(refusal(grant) == .alreadyLicensed)
        let standing = try deployment.server.currentLicenses(of: .device("PC-1"))
        #expect(standing.map(\.serial) == [hex(victim.certificate)])
    }

    @Test("One temporary license per device id, whatever the key; none for a product without a pack")
    func oneTemporaryPerDevice() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 1)], time: clock)
        let holder = try deployment.client("PC-0")
        let seat = try deployment.issue(to: holder)  // the only seat
        let first = try deployment.client("PC-1")
        let temporary = try #require(issued(try await deployment.server.requestLicense(try request(first))))
        #expect(try LicenseExtension(of: temporary)?.status == .temporary)
        // A new key for the same device id while the temporary license stands: no second one.
        let second = try ClientIdentity.create(at: deployment.folder.file("second-key"), deviceID: "PC-1")
        #expect(refusal(try await deployment.server.requestLicense(try request(second))) == .temporaryAlreadyIssued)
        // The seat's holder renews, so no seat is free when the temporary license has expired.
        clock.now = seat.certificate.notValidAfter.addingTimeInterval(-86_400)
        _ = try deployment.server.renew(serial: hex(seat.certificate), request: try holder.request())
        clock.now = temporary.notValidAfter.addingTimeInterval(60)
        let third = try ClientIdentity.create(at: deployment.folder.file("third-key"), deviceID: "PC-1")
        #expect(refusal(try await deployment.server.requestLicense(try request(third))) == .noLicenseAvailable)
        #expect(try deployment.server.issuedLicenses().filter { $0.status == .temporary }.count == 1)
        // A product no pack licenses gets no temporary license.
        let stranger = try deployment.client("PC-9")
        #expect(refusal(try await deployment.server.requestLicense(try request(stranger, product: "Free Lunch"))) == .noLicenseAvailable)
        #expect(try deployment.server.issuedLicenses().filter { $0.product == "Free Lunch" }.isEmpty)
    }

    @Test("A device id holds one standing permanent CAL: a second key gets nothing more and no seat")
    func onePermanentPerDevice() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 5)])
        let first = try deployment.client("PC-1")
        let temporary = try #require(issued(try await deployment.server.requestLicense(try request(first))))
        let permanent = try #require(issued(try await deployment.server.requestLicense(try request(first, presenting: temporary))))
        #expect(try LicenseExtension(of: permanent)?.status == .permanent)
        let second = try ClientIdentity.create(at: deployment.folder.file("second-key"), deviceID: "PC-1")
        #expect(refusal(try await deployment.server.requestLicense(try request(second))) == .alreadyLicensed)
        #expect(try deployment.server.status().products.first?.issued == 1)
    }

    @Test("One device asking many times at once, with one key or eight, gets one temporary license and later takes one seat")
    func oneDeviceAtOnce() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 5)], time: clock)
        let clients = try (0..<8).map { try ClientIdentity.create(at: deployment.folder.file("key-\($0)"), deviceID: "PC-1") }
        let first = Self.atOnce(try clients.map { try request($0) }) { try? deployment.server.grantLicense($0) }
        let temporaries = first.compactMap { $0.flatMap(issued) }
        #expect(temporaries.count == 1)
        #expect(first.compactMap { $0.flatMap(refusal) }.allSatisfy { $0 == .temporaryAlreadyIssued })
        let temporary = try #require(temporaries.first)
        let holder = try #require(clients.first { $0.publicKey == temporary.publicKey })
        clock.now = temporary.notValidAfter.addingTimeInterval(60)
        let second = Self.atOnce(try (0..<8).map { _ in try request(holder, presenting: temporary) }) { try? deployment.server.grantLicense($0) }
        let permanents = second.compactMap { $0.flatMap(issued) }
        #expect(permanents.count == 8)
        #expect(Set(permanents.map(hex)).count == 1, "every answer hands out the one CAL")
        #expect(try deployment.server.status().products.first { $0.licenseType == .perDevice }?.issued == 1)
    }

    /// Runs `body` on every element at the same moment, each on a thread of its own.
    static func atOnce<Element, Result>(_ elements: [Element], _ body: @Sendable (Element) -> Result?) -> [Result?] {
        let results = NSLock()
        nonisolated(unsafe) var collected = [Result?](repeating: nil, count: elements.count)
        nonisolated(unsafe) let inputs = elements
        DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
            let result = body(inputs[index])
            results.lock()
            collected[index] = result
            results.unlock()
        }
        return collected
    }

    @Test("A revoked CAL presented at logon is refused as revoked, never kept")
    func revokedPresented() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 1)])
        let client = try deployment.client("PC-1")
        let license = try deployment.issue(to: client)
        try deployment.server.revoke(serial: hex(license.certificate), reason: .keyCompromise)
        _ = try deployment.issue(to: try deployment.client("PC-2"))  // the freed seat goes elsewhere
        let grant = try await deployment.server.requestLicense(try request(client, presenting: license.certificate))
        #expect(refusal(grant) == .revoked)
        // Presenting nothing gets no seat either: none is free.
        #expect(refusal(try await deployment.server.requestLicense(try request(client))) == .noLicenseAvailable)
    }

    @Test("A renewed (superseded) or expired CAL is not transferable; the seat's current holder alone moves")
    func transferOfAStaleLicense() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 2)], time: clock)
        let client = try deployment.client("PC-A")
        let old = try deployment.issue(to: client)
        clock.now = old.certificate.notValidAfter.addingTimeInterval(-86_400)
        let renewed = try deployment.server.renew(serial: hex(old.certificate), request: try client.request())
        // The clearinghouse cannot see the renewal and grants; the server refuses to carry it out.
        let grant = try deployment.clearinghouse.authorizeTransfer(of: old.certificate)
        let deviceB = try deployment.client("PC-B")
        let refused = await #expect(throws: CALError.self) {
            try await deployment.server.transfer(grant: grant.signedBytes, request: try deviceB.request())
        }
        #expect(refused?.code == .notTransferable)
        #expect(try deployment.server.currentLicenses(of: .device("PC-B")).isEmpty)
        #expect(try deployment.server.currentLicenses(of: .device("PC-A")).map(\.serial) == [hex(renewed.certificate)])
        // An expired CAL is refused by the clearinghouse itself.
        clock.now = renewed.certificate.notValidAfter.addingTimeInterval(60)
        let lapsed = try deployment.issue(to: try deployment.client("PC-C"))
        clock.now = lapsed.certificate.notValidAfter.addingTimeInterval(60)
        #expect(thrownCode { _ = try deployment.clearinghouse.authorizeTransfer(of: lapsed.certificate) } == "not-transferable")
    }
}
