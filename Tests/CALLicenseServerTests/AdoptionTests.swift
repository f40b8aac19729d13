import CALClient
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("A license the ledger lost is taken back when it is presented, never onto a seat held twice")
struct AdoptionTests {
    /// A deployment with a 3-seat pack and A issued, backed up; then B issued, and the ledger
    /// restored from the backup with the journal gone: B is a license this server signed that its ledger no longer holds.
    static func lostLicense() async throws -> (Deployment, lost: IssuedCertificate, client: ClientIdentity) {
        let deployment = try await Deployment.make(packs: [(.perDevice, 3)])
        _ = try deployment.issue(to: try deployment.client("A"))
        let backup = deployment.folder.file("backup.sqlite")
        _ = try deployment.server.backup(to: backup)
        let client = try deployment.client("B")
        let lost = try deployment.issue(to: client)
        try FileManager.default.removeItem(atPath: deployment.server.home.file("ledger.journal"))
        _ = try deployment.server.restore(from: backup)
        #expect(try !deployment.server.issuedLicenses().contains { $0.serial == SerialNumbers.hex(lost.certificate.serialNumber) })
        return (deployment, lost, client)
    }

    static func logon(_ deployment: Deployment, _ client: ClientIdentity, presenting license: Certificate?) async throws -> LicenseGrant {
        try await deployment.server.requestLicense(
            LicenseRequest(csr: try client.request(), mode: .perDevice, product: Deployment.product, presented: license)
        )
    }

    @Test("Presented after the restore, the lost license is adopted with its seat and kept; the seat is not handed out again")
    func adoptedWithItsSeat() async throws {
        let (deployment, lost, client) = try await Self.lostLicense()
        let grant = try await Self.logon(deployment, client, presenting: lost.certificate)
        guard case .keepCurrent = grant else { Issue.record("expected keep-current, got \(grant)"); return }
        let serial = SerialNumbers.hex(lost.certificate.serialNumber)
        let adopted = try #require(try deployment.server.issuedLicenses().first { $0.serial == serial })
        #expect(adopted.seat == lost.certificate.licenseSeat)
        // Seats: A, B adopted, one free; the next device gets it, the one after none.
        _ = try deployment.issue(to: try deployment.client("C"))
        #expect(throws: CALError.self, "a seat was handed out twice") { try deployment.issue(to: try deployment.client("D")) }
        _ = try await deployment.server.verifyAudit(expectedHead: nil)
    }

    @Test("When the seat went to another device first, the lost license is not adopted and keeps no seat; another server's license is never adopted")
    func neverTwice() async throws {
        let (deployment, lost, client) = try await Self.lostLicense()
        _ = try deployment.issue(to: try deployment.client("C"))
        _ = try deployment.issue(to: try deployment.client("D"))
        let grant = try await Self.logon(deployment, client, presenting: lost.certificate)
        if case .keepCurrent = grant { Issue.record("a license whose seat is held by another was kept") }
        let holders = try deployment.server.issuedLicenses().filter { $0.seat != nil && $0.status == .permanent }
        #expect(holders.count == 3 && Set(holders.compactMap(\.seat)).count == 3)

        let rogue = try await deployment.anotherServer("rogue")
        let forged = try rogue.issue(request: try client.request(), licenseType: .perDevice, temporary: true, product: Deployment.product)
        _ = try await Self.logon(deployment, client, presenting: forged.certificate)
        #expect(try !deployment.server.issuedLicenses().contains { $0.serial == SerialNumbers.hex(forged.certificate.serialNumber) })
    }
}

extension Certificate {
    /// The seat number in this license's extension.
    var licenseSeat: Int? { (try? LicenseExtension(of: self))??.seat }
}
