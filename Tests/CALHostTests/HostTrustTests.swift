import CALClient
import CALCore
import CALHost
import CALLicenseServer
import CALLicensing
import CALTestSupport
import Foundation
import Testing
import X509

/// A license server that says "keep your license" to everything, as a compromised or lying
/// server would, while publishing its real CRLs and packs.
struct LyingSource: LicenseSource {
    let server: LicenseServer
    func requestLicense(_ request: LicenseRequest) async throws -> LicenseGrant { .keepCurrent }
    func revocationLists() async throws -> [CertificateRevocationList] { try await server.revocationLists() }
    func signedKeyPacks() async throws -> [[UInt8]] { try await server.signedKeyPacks() }
}

@Suite("A host trusts its own license server, its packs and its CRL, and nothing else")
struct HostTrustTests {
    typealias Site = HostSite

    func site(seats: Int) async throws -> Site { try await HostSite.make(packs: [(.perDevice, seats)]) }

    /// Two logons: a temporary license, then a permanent CAL; returns its serial.
    func licensed(_ client: ClientIdentity, at site: Site, source: (any LicenseSource)? = nil) async throws -> String {
        let decision = try await site.logOnTwice(client, through: source)
        #expect(decision.description == "allowed licensed")
        return try #require(decision.serial)
    }

    @Test("A license from another license server under the same root is untrusted-license-server, for any product")
    func rogueServer() async throws {
        let site = try await site(seats: 1)
        // Ends the grace period, so that nothing but a license could admit.
        _ = try await licensed(try site.deployment.client("PC-0"), at: site)
        let rogue = try await site.deployment.anotherServer("rogue", time: site.clock)
        let client = try site.deployment.client("PC-1")
        let minted = try rogue.issue(request: try client.request(), licenseType: .perDevice, temporary: true, product: Deployment.product)
        try client.storeLicense(minted.certificate, chain: [minted.issuer])
        #expect(try await site.host.logon(client, user: nil, source: nil) == .denied(reason: .untrustedLicenseServer))
        // The rogue server's license verifies as a certificate, but not for a verifier bound elsewhere.
        let verifier = LicenseVerifier(trustRoots: [site.deployment.clearinghouse.root], intermediates: [minted.issuer])
        let bound = await verifier.verify(
            minted.certificate, at: site.clock.now, expecting: .init(licenseServerIDs: [site.deployment.server.serverID])
        )
        #expect((try? bound.get()) == nil)
        if case .failure(let rejection) = bound { #expect(rejection.code == .untrustedLicenseServer) }
    }

    @Test("Permanent CALs on a pack row the clearinghouse never signed are unbacked-license")
    func fakePackRow() async throws {
        let site = try await site(seats: 1)
        _ = try await licensed(try site.deployment.client("PC-0"), at: site)  // the one real seat
        // The administrator writes a pack of 50 seats into the server's own database.
        let database = site.deployment.server.home.file(LicenseServer.Files.store)
        try SQLiteEditor.execute(
            """
            INSERT INTO packs (pack_id, license_type, product, product_version, count, agreement_number, installed_at, signed_bytes)
            VALUES ('FAKE-PACK', 'per-device', '\(Deployment.product)', '1.0', 50, 'NONE', 0, x'00')
            """,
            in: database
        )
        try SQLiteEditor.execute(
            "WITH RECURSIVE n(seat) AS (SELECT 1 UNION ALL SELECT seat + 1 FROM n WHERE seat < 50) INSERT INTO seats (pack_id, seat) SELECT 'FAKE-PACK', seat FROM n",
            in: database
        )
        let client = try site.deployment.client("PC-1")
        _ = try await site.host.logon(client, user: nil, source: site.deployment.server)
        site.clock.now = site.clock.now.addingTimeInterval(60)
        #expect(try await site.host.logon(client, user: nil, source: site.deployment.server) == .denied(reason: .unbackedLicense))
        // The server did mint it: the host is what refuses.
        #expect(try site.deployment.server.issuedLicenses().contains { $0.keyPackID == "FAKE-PACK" })
    }

    @Test("A revoked CAL is denied revoked at logon, even when the server says keep it")
    func revokedAtLogon() async throws {
        let site = try await site(seats: 1)
        let client = try site.deployment.client("PC-1")
        let serial = try await licensed(client, at: site)
        try site.deployment.server.revoke(serial: serial, reason: .keyCompromise)
        // Through the real server: it refuses the revoked CAL it is shown.
        #expect(try await site.host.logon(client, user: nil, source: site.deployment.server) == .denied(reason: .revoked))
        // Through a lying server, once the host's cached CRL is due for update: the CRL decides.
        site.clock.now = site.clock.now.addingTimeInterval(25 * 3600)
        let lying = LyingSource(server: site.deployment.server)
        #expect(try await site.host.logon(client, user: nil, source: lying) == .denied(reason: .revoked))
        // Offline, the host goes on with the CRL it holds.
        #expect(try await site.host.logon(client, user: nil, source: nil) == .denied(reason: .revoked))
    }

    @Test("With the root's CRL installed, licenses of a revoked license server are issuer-revoked; a CRL of another root is refused")
    func revokedServer() async throws {
        let site = try await site(seats: 2)
        let client = try site.deployment.client("PC-1")
        _ = try await licensed(client, at: site)
        _ = try site.deployment.clearinghouse.revokeServer(try site.deployment.server.chain()[0], reason: .keyCompromise)
        try site.host.installRootRevocationList(try site.deployment.clearinghouse.revocationList())
        #expect(try await site.host.logon(client, user: nil, source: nil) == .denied(reason: .issuerRevoked))
        let other = try await Deployment.make(packs: [])
        #expect(thrownCode { try site.host.installRootRevocationList(try other.clearinghouse.revocationList()) } == "chain-does-not-verify")
        #expect(site.host.rootRevocationLists().count == 1)
    }

    @Test("The device a seat was transferred away from is denied; the new device is licensed")
    func transferredAway() async throws {
        let site = try await site(seats: 1)
        let deviceA = try site.deployment.client("PC-A")
        let serial = try await licensed(deviceA, at: site)
        let license = try #require(try deviceA.storedLicenses().first { SerialNumbers.hex($0.license.serialNumber) == serial }?.license)
        let grant = try site.deployment.clearinghouse.authorizeTransfer(of: license)
        let deviceB = try site.deployment.client("PC-B")
        let moved = try await site.deployment.server.transfer(grant: grant.signedBytes, request: try deviceB.request())
        try deviceB.storeLicense(moved.certificate, chain: [moved.issuer])
        #expect(try await site.host.logon(deviceA, user: nil, source: site.deployment.server) == .denied(reason: .revoked))
        #expect(try await site.host.logon(deviceB, user: nil, source: site.deployment.server).description == "allowed licensed")
    }

    @Test("A host with no license server: the grace period decides; a server bound later takes over")
    func noLicenseServerYet() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 2)], time: clock)
        let host = try SessionHost.create(at: deployment.folder.file("lonely-host"), mode: .perDevice, product: Deployment.product, time: clock)
        #expect(try host.licenseServer().isEmpty)
        let client = try deployment.client("PC-1")
        #expect(try await host.logon(client, user: nil, source: nil) == .gracePeriod)
        // A license of a server the host is not bound to counts as none: the grace period admits.
        let licensed = try deployment.client("PC-2")
        let license = try deployment.issue(to: licensed)
        try licensed.storeLicense(license.certificate, chain: [license.issuer])
        #expect(try await host.logon(licensed, user: nil, source: nil) == .gracePeriod)
        clock.now = clock.now.addingTimeInterval(Double(LicensingTerms.gracePeriodDays - 1) * 86_400)
        #expect(try await host.logon(client, user: nil, source: nil) == .gracePeriod)
        clock.now = clock.now.addingTimeInterval(2 * 86_400)
        #expect(try await host.logon(client, user: nil, source: nil) == .denied(reason: .noLicenseServer))
        try host.bind(deployment.hostBinding)
        let bound = try SessionHost(home: host.home.path, time: clock)
        #expect(try bound.licenseServerIDs() == [deployment.server.serverID])
        #expect(try await bound.logon(client, user: nil, source: deployment.server).description == "allowed temporary")
    }
}
