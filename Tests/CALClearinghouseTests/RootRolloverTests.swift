import CALClearinghouse
import CALClient
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("Clearinghouse root rollover")
struct RootRolloverTests {
    /// A deployment whose root rolled over after its server was activated, with a second server
    /// activated under the new root; each server holds a CAL for one client.
    struct Site {
        let deployment: Deployment
        let rollover: Clearinghouse.RootRollover
        let newServer: LicenseServer
        let oldCAL: Certificate
        let newCAL: Certificate
    }

    func site() async throws -> Site {
        let deployment = try await Deployment.make(packs: [(.perDevice, 3)])
        let client = try deployment.client("PC-1")
        let oldCAL = try deployment.issue(to: client).certificate
        let rollover = try deployment.clearinghouse.rotate()
        let clearinghouse = rollover.clearinghouse
        let newServer = try LicenseServer.create(at: deployment.folder.file("ls2"), name: "Second Server")
        let chain = try clearinghouse.activate(try PEMBundle.request(at: newServer.home.file(LicenseServer.Files.activationRequest)))
        #expect(chain.last == rollover.newRoot)
        _ = try await newServer.installCertificate(chain: chain)
        let pack = try clearinghouse.issuePack(
            serverCertificate: try newServer.chain()[0], licenseType: .perDevice, count: 2, product: Deployment.product,
            productVersion: "1.0", agreementNumber: "A-2"
        )
        _ = try await newServer.installPack(pack.signedBytes)
        let newCAL = try newServer.issue(request: try client.request(), licenseType: .perDevice, temporary: false, product: Deployment.product).certificate
        return Site(deployment: deployment, rollover: rollover, newServer: newServer, oldCAL: oldCAL, newCAL: newCAL)
    }

    @Test("The four trust combinations verify: old or new root trusted, server under the old or the new root, cross-certificates as intermediates")
    func fourCombinations() async throws {
        let site = try await site()
        let servers = [try site.deployment.server.chain()[0], try site.newServer.chain()[0]]
        let crosses = [site.rollover.newRootByPrevious, site.rollover.previousRootByNew]
        for trusted in [site.rollover.previousRoot, site.rollover.newRoot] {
            for license in [site.oldCAL, site.newCAL] {
                let verifier = LicenseVerifier(trustRoots: [trusted], intermediates: servers + crosses)
                if case .failure(let rejection) = await verifier.verify(license, at: Date()) {
                    Issue.record("trusting \(trusted.subject), \(license.issuer) refused: \(rejection)")
                }
                // Without the cross-certificates only the direct combination verifies.
                let direct = LicenseVerifier(trustRoots: [trusted], intermediates: servers)
                let sameRoot = (servers.first { $0.subject == license.issuer && $0.publicKey.isValidSignature(license.signature, for: license) })?.issuer == trusted.subject
                if case .success = await direct.verify(license, at: Date()), !sameRoot {
                    Issue.record("verified across roots without a cross-certificate")
                }
            }
        }
    }

    @Test("The cross-certificates are CA certificates linking the two roots' names and keys")
    func crossCertificates() async throws {
        let site = try await site()
        let newByOld = site.rollover.newRootByPrevious
        #expect(newByOld.subject == site.rollover.newRoot.subject && newByOld.publicKey == site.rollover.newRoot.publicKey)
        #expect(newByOld.issuer == site.rollover.previousRoot.subject)
        #expect(site.rollover.previousRoot.publicKey.isValidSignature(newByOld.signature, for: newByOld))
        let oldByNew = site.rollover.previousRootByNew
        #expect(oldByNew.subject == site.rollover.previousRoot.subject && oldByNew.issuer == site.rollover.newRoot.subject)
        #expect(site.rollover.newRoot.publicKey.isValidSignature(oldByNew.signature, for: oldByNew))
        #expect(RootProfile.isCertificateAuthority(newByOld) && RootProfile.isCertificateAuthority(oldByNew))
        #expect(site.rollover.newRoot.subject != site.rollover.previousRoot.subject)
        // Nothing deleted: the previous root and keys are in retired/, the crosses in cross/.
        let home = site.rollover.clearinghouse.home
        let prefix = "retired/\(SerialNumbers.hex(site.rollover.previousRoot.serialNumber))-"
        for name in ["root.pem", "root-key.pem", "signer.pem", "signer-key.pem"] {
            #expect(FileManager.default.fileExists(atPath: home.file(prefix + name)), "\(name) not retired")
        }
        #expect(try site.rollover.clearinghouse.roots().map(\.status) == [.retired, .active])
    }

    @Test("A server under the old root still gets packs and transfer grants it can verify; the old root signs its CRL")
    func oldRootKeepsServing() async throws {
        let site = try await site()
        let clearinghouse = site.rollover.clearinghouse
        let oldServer = site.deployment.server
        let pack = try clearinghouse.issuePack(
            serverCertificate: try oldServer.chain()[0], licenseType: .perDevice, count: 1, product: Deployment.product,
            productVersion: "1.0", agreementNumber: "A-3"
        )
        _ = try await oldServer.installPack(pack.signedBytes)
        let grant = try clearinghouse.authorizeTransfer(of: site.oldCAL)
        _ = try await oldServer.transfer(grant: grant.signedBytes, request: try site.deployment.client("PC-2").request())

        try clearinghouse.revokeServer(try oldServer.chain()[0], reason: .cessationOfOperation)
        let oldList = try clearinghouse.revocationList(rootKeyID: site.rollover.previousRoot.publicKey.keyIdentifier)
        #expect(oldList.isSigned(by: site.rollover.previousRoot))
        #expect(oldList.entries.count == 1)
        let newList = try clearinghouse.revocationList()
        #expect(newList.isSigned(by: site.rollover.newRoot) && newList.entries.isEmpty)
        // Trusting only the new root, through the cross-certificate, the old root's CRL still revokes.
        let verifier = LicenseVerifier(
            trustRoots: [site.rollover.newRoot],
            intermediates: [try oldServer.chain()[0], site.rollover.previousRootByNew],
            revocationLists: [oldList, newList]
        )
        if case .failure(let rejection) = await verifier.verify(site.oldCAL, at: Date()) {
            #expect(rejection.code == .issuerRevoked)
        } else {
            Issue.record("a CAL under a revoked server passed")
        }
    }

    @Test("A server activated under the old root re-keys under the new one and then trusts the new root")
    func reactivationMovesToNewRoot() async throws {
        let site = try await site()
        let clearinghouse = site.rollover.clearinghouse
        let rotation = try site.deployment.server.rotate()
        let chain = try clearinghouse.activate(try PEMBundle.request(at: rotation.requestPath))
        #expect(chain.last == site.rollover.newRoot)
        _ = try await site.deployment.server.installCertificate(chain: chain)
        let pack = try clearinghouse.issuePack(
            serverCertificate: chain[0], licenseType: .perDevice, count: 1, product: Deployment.product, productVersion: "1.0",
            agreementNumber: "A-4"
        )
        _ = try await site.deployment.server.installPack(pack.signedBytes)
    }
}
