import CALClearinghouse
import CALClient
import CALCore
import CALLicenseServer
import CALStore
import CALTestSupport
import Foundation
import SwiftASN1
import Testing
import X509

@Suite("License-server key rotation and reactivation")
struct RotationTests {
    func code(_ result: Result<LicenseExtension, CALError>) -> CALError.Code? {
        if case .failure(let rejection) = result { return rejection.code }
        return nil
    }

    /// Rotates `deployment`'s server through the clearinghouse; returns the new chain.
    @discardableResult
    func rotate(_ deployment: Deployment, compromised: Bool = false) async throws -> [Certificate] {
        let rotation = try deployment.server.rotate(compromised: compromised)
        let chain = try deployment.clearinghouse.activate(try PEMBundle.request(at: rotation.requestPath))
        _ = try await deployment.server.installCertificate(chain: chain)
        return chain
    }

    @Test("Issuance never stops: the old key issues until the new certificate is installed, then the new key; old CALs keep verifying")
    func normalRotation() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 5)])
        let server = deployment.server
        let oldCertificate = try server.chain()[0]
        let before = try deployment.issue(to: try deployment.client("PC-1"))
        let rotation = try server.rotate()
        #expect(FileManager.default.fileExists(atPath: server.home.file(LicenseServer.Files.pendingKey)))
        #expect(try server.status().rotationPending)
        // Still the old key while the clearinghouse has not answered.
        let during = try deployment.issue(to: try deployment.client("PC-2"))
        #expect(during.certificate.issuerKeyIdentifier == oldCertificate.publicKey.keyIdentifier)

        let chain = try deployment.clearinghouse.activate(try PEMBundle.request(at: rotation.requestPath))
        #expect(chain[0].publicKey.keyIdentifier == rotation.newKeyID)
        _ = try await server.installCertificate(chain: chain)
        let after = try deployment.issue(to: try deployment.client("PC-3"))
        #expect(after.certificate.issuerKeyIdentifier == rotation.newKeyID)
        #expect(after.issuer == chain[0])

        // The old key and chain are kept in retired/, the key still 0600; no pending key is left.
        let serial = SerialNumbers.hex(oldCertificate.serialNumber)
        let retiredKey = server.home.file("retired/\(serial)-server-key.pem")
        let mode = try FileManager.default.attributesOfItem(atPath: retiredKey)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(try PEMBundle.certificates(at: server.home.file("retired/\(serial)-server-chain.pem"))[0] == oldCertificate)
        #expect(!FileManager.default.fileExists(atPath: server.home.file(LicenseServer.Files.pendingKey)))

        // Every CAL verifies, whichever key signed it.
        let verifier = LicenseVerifier(trustRoots: [deployment.clearinghouse.root], intermediates: [oldCertificate, chain[0]])
        for issued in [before, during, after] {
            #expect(code(await verifier.verify(issued.certificate, at: Date())) == nil)
        }
        let issuers = try server.status().issuers
        #expect(issuers.map(\.status) == [.retired, .active])
        #expect(issuers.map(\.licensesIssued) == [2, 1])
        #expect(issuers[0].signsRevocation)
        #expect(try server.auditLog().map(\.event).contains("key-rotated"))
    }

    @Test("The retired key keeps signing the CRL and OCSP for its licenses; the active key's CRL holds only its own")
    func retiredIssuerSignsRevocation() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 10)])
        let server = deployment.server
        let oldCertificate = try server.chain()[0]
        let old = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let chain = try await rotate(deployment)
        let new = try deployment.issue(to: try deployment.client("PC-2")).certificate
        try server.revoke(serial: SerialNumbers.hex(old.serialNumber), reason: .keyCompromise)
        try server.revoke(serial: SerialNumbers.hex(new.serialNumber), reason: .superseded)

        let retiredList = try server.revocationList(issuerKeyID: String(oldCertificate.publicKey.keyIdentifier.prefix(8)))
        #expect(retiredList.isSigned(by: oldCertificate))
        #expect(retiredList.entries.map(\.serial) == [Array(old.serialNumber.bytes)])
        let activeList = try server.revocationList()
        #expect(activeList.isSigned(by: chain[0]))
        #expect(activeList.entries.map(\.serial) == [Array(new.serialNumber.bytes)])

        // A verifier given both CRLs (same issuer name, two keys) reads each for its own licenses.
        let verifier = LicenseVerifier(
            trustRoots: [deployment.clearinghouse.root], intermediates: [oldCertificate, chain[0]], revocationLists: [activeList, retiredList]
        )
        #expect(code(await verifier.verify(old, at: Date())) == .revoked)
        #expect(code(await verifier.verify(new, at: Date())) == .revoked)

        // OCSP about the old CAL is answered and signed by the old key.
        let request = try OCSPRequest(certificateIDs: [try OCSPCertificateID(certificate: old, issuer: oldCertificate)], nonce: [9])
        let response = try server.ocspResponse(to: try request.derBytes())
        #expect(response.isSigned(by: oldCertificate))
        if case .revoked = response.response(for: old, issuer: oldCertificate)?.status {} else { Issue.record("the old CAL is not reported revoked") }
    }

    @Test("Renewal moves a CAL of the retired key to the active key, on its seat")
    func renewalMovesToActiveIssuer() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 2)], time: clock)
        let client = try deployment.client("PC-1")
        let old = try deployment.issue(to: client)
        let chain = try await rotate(deployment)
        clock.now = old.certificate.notValidAfter.addingTimeInterval(-3 * 86_400)
        let renewed = try deployment.server.renew(serial: old.record.serial, request: try client.request())
        #expect(renewed.certificate.issuerKeyIdentifier == chain[0].publicKey.keyIdentifier)
        #expect(renewed.record.seat == old.record.seat && renewed.record.keyPackID == old.record.keyPackID)
        #expect(try deployment.server.status().products.first?.issued == 1)
    }

    @Test("Compromise: the old key stops at once, its certificate is revoked by the reactivation, its CALs are issuer-revoked")
    func compromise() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 5)])
        let server = deployment.server
        let oldCertificate = try server.chain()[0]
        let old = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let rotation = try server.rotate(compromised: true)
        #expect { try deployment.issue(to: try deployment.client("PC-2")) } throws: { ($0 as? CALError)?.code == .issuerCompromised }
        #expect { try server.revocationList() } throws: { ($0 as? CALError)?.code == .issuerCompromised }
        #expect(try deployment.clearinghouse.revocationList().entries.isEmpty)

        let chain = try deployment.clearinghouse.activate(try PEMBundle.request(at: rotation.requestPath))
        let rootList = try deployment.clearinghouse.revocationList()
        #expect(rootList.entries.map(\.serial) == [Array(oldCertificate.serialNumber.bytes)])
        #expect(rootList.entries.first?.reason == .keyCompromise)
        _ = try await server.installCertificate(chain: chain)
        let new = try deployment.issue(to: try deployment.client("PC-3")).certificate

        let verifier = LicenseVerifier(
            trustRoots: [deployment.clearinghouse.root], intermediates: [oldCertificate, chain[0]], revocationLists: [rootList]
        )
        #expect(code(await verifier.verify(old, at: Date())) == .issuerRevoked)
        #expect(code(await verifier.verify(new, at: Date())) == nil)
        // The compromised key signs no CRL, now or later.
        #expect { try server.revocationList(issuerKeyID: oldCertificate.publicKey.keyIdentifier) } throws: {
            ($0 as? CALError)?.code == .issuerCompromised
        }
        #expect(try server.status().issuers.map(\.status) == [.compromised, .active])
    }

    @Test("Reactivation is refused without continuity, from a stale or foreign key, and for a revoked server")
    func reactivationRefusals() async throws {
        let deployment = try await Deployment.make(packs: [])
        let server = deployment.server
        // A second plain activation request for the same id.
        let plain = try LicenseServerProfile.makeActivationRequest(name: server.name, serverID: server.serverID, key: try KeyType.p256.generate())
        #expect { try deployment.clearinghouse.activate(plain) } throws: { ($0 as? CALError)?.code == .alreadyActivated }
        // Continuity signed by a key that is not the server's.
        let stranger = try KeyType.p256.generate()
        let newKey = try KeyType.p256.generate()
        let forged = try LicenseServerProfile.makeActivationRequest(
            name: server.name, serverID: server.serverID, key: newKey,
            continuity: try KeyContinuity(from: stranger, to: newKey.publicKey, compromised: true)
        )
        #expect { try deployment.clearinghouse.activate(forged) } throws: { ($0 as? CALError)?.code == .reactivationRefused }
        #expect(try deployment.clearinghouse.revocationList().entries.isEmpty)
        // Continuity for another new key than the request's.
        let current = try PrivateKeyFile.read(from: server.home.file(LicenseServer.Files.key))
        let swapped = try LicenseServerProfile.makeActivationRequest(
            name: server.name, serverID: server.serverID, key: newKey,
            continuity: try KeyContinuity(from: current, to: stranger.publicKey, compromised: false)
        )
        #expect { try deployment.clearinghouse.activate(swapped) } throws: { ($0 as? CALError)?.code == .reactivationRefused }
        // A continuity attribute that does not parse.
        let garbled = try CertificateSigningRequest(
            version: .v1, subject: try SubjectNames.licenseServer(name: server.name, serverID: server.serverID), privateKey: newKey,
            attributes: CertificateSigningRequest.Attributes([
                CertificateSigningRequest.Attribute(oid: CALKitOID.keyContinuityAttribute, values: [try ASN1Any(erasing: ASN1OctetString(contentBytes: [1, 2, 3]))])
            ])
        )
        #expect { try deployment.clearinghouse.activate(garbled) } throws: { ($0 as? CALError)?.code == .requestNotAcceptable }
        // A stale request: made before a rotation completed, replayed after it.
        let first = try server.rotate()
        let replay = try PEMBundle.request(at: first.requestPath)
        _ = try await server.installCertificate(chain: try deployment.clearinghouse.activate(replay))
        _ = try server.rotate()
        #expect { try deployment.clearinghouse.activate(replay) } throws: { ($0 as? CALError)?.code == .reactivationRefused }
        // A revoked server is not re-keyed.
        try deployment.clearinghouse.revokeServer(try server.chain()[0], reason: .cessationOfOperation)
        let again = try PEMBundle.request(at: try server.rotate().requestPath)
        #expect { try deployment.clearinghouse.activate(again) } throws: { ($0 as? CALError)?.code == .reactivationRefused }
        #expect(try deployment.clearinghouse.auditLog().filter { $0.event == "server-reactivated" }.count == 1)
    }

    @Test("A second rotate reuses the waiting key; a certificate for neither key is refused and changes nothing")
    func pendingRotation() async throws {
        let deployment = try await Deployment.make(packs: [])
        let first = try deployment.server.rotate()
        let second = try deployment.server.rotate(compromised: true)
        #expect(second.reusedPendingKey && second.newKeyID == first.newKeyID)
        #expect { try deployment.server.rotate(keyType: .ed25519) } throws: { ($0 as? CALError)?.code == .rotationPending }
        let other = try LicenseServer.create(at: deployment.folder.file("other"), name: "Other")
        let foreign = try deployment.clearinghouse.activate(try PEMBundle.request(at: other.home.file(LicenseServer.Files.activationRequest)))
        await #expect { try await deployment.server.installCertificate(chain: foreign) } throws: { ($0 as? CALError)?.code == .certificateKeyMismatch }
        #expect(FileManager.default.fileExists(atPath: deployment.server.home.file(LicenseServer.Files.pendingKey)))
    }
}
