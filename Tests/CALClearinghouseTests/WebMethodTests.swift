import CALClearinghouse
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

/// What the web browser method rests on: key pack codes, and transfer applications the
/// operator decides; and how a customer might try to get more than they bought.
@Suite("Key pack codes and transfer applications")
struct WebMethodTests {
    static func buy(_ deployment: Deployment, _ code: ActivationCode, count: Int = 10, type: LicenseType = .perDevice, serverID: String? = nil) throws -> KeyPack {
        try deployment.clearinghouse.buyPack(
            code: code, serverID: serverID ?? deployment.server.serverID, licenseType: type, count: count, product: Deployment.product,
            productVersion: "1.0", agreementNumber: "4711"
        )
    }

    @Test("A code buys exactly the order it was sold for, once; the same order again answers the same pack; the pack installs")
    func packCodes() async throws {
        let deployment = try await Deployment.make(packs: [])
        let (code, _) = try deployment.clearinghouse.issuePackCode(
            agreement: "4711", licenseType: .perDevice, product: Deployment.product, productVersion: "1.0", count: 10
        )
        // More seats, another type, another agreement: refused in words, and the code is not spent.
        #expect(throws: CALError.invalidArgument("the order is not what the code allows: the code is for 10 CALs, not 50")) {
            try Self.buy(deployment, code, count: 50)
        }
        #expect(thrownCode { _ = try Self.buy(deployment, code, type: .perUser) } == "invalid-argument")
        #expect(thrownCode {
            _ = try deployment.clearinghouse.buyPack(
                code: code, serverID: deployment.server.serverID, licenseType: .perDevice, count: 10, product: Deployment.product,
                productVersion: "1.0", agreementNumber: "9999"
            )
        } == "invalid-argument")
        let pack = try Self.buy(deployment, code)
        #expect(pack.content.count == 10 && pack.content.licenseServerID == deployment.server.serverID)
        // Sent twice (a reload): the same pack, byte for byte; nothing sold twice.
        let again = try Self.buy(deployment, code)
        #expect(again.signedBytes == pack.signedBytes)
        #expect(try deployment.clearinghouse.signedPack(packID: pack.content.keyPackID) == pack.signedBytes)
        // The spent code for another server, or another count: refused.
        let other = try await deployment.anotherServer("other")
        #expect(thrownCode { _ = try Self.buy(deployment, code, serverID: other.serverID) } == "pack-code-invalid")
        #expect(thrownCode { _ = try Self.buy(deployment, code, count: 9) } == "pack-code-invalid")
        _ = try await deployment.server.installPack(pack.signedBytes)
        #expect(try deployment.server.status().packs.map(\.total) == [10])
        let audit = try deployment.clearinghouse.auditLog().map(\.event)
        #expect(audit.filter { $0 == "pack-sold" }.count == 1)
        #expect(audit.contains("pack-code-issued") && audit.contains("pack-code-used"))
        #expect(try await deployment.clearinghouse.verifyAudit(expectedHead: nil).entries == audit.count)
    }

    @Test("Codes that are unknown, expired, or for a server not activated here buy nothing")
    func badCodes() async throws {
        let time = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [], time: time)
        #expect(thrownCode { _ = try Self.buy(deployment, ActivationCode.random()) } == "pack-code-invalid")
        let (code, _) = try deployment.clearinghouse.issuePackCode(
            agreement: "4711", licenseType: .perDevice, product: Deployment.product, productVersion: "1.0", count: 10, validDays: 1
        )
        #expect(thrownCode { _ = try Self.buy(deployment, code, serverID: CALIdentifier.random()) } == "invalid-argument")
        #expect(thrownCode { _ = try Self.buy(deployment, code, serverID: "not an id") } == "invalid-argument")
        time.now = time.now.addingDays(2)
        #expect(thrownCode { _ = try Self.buy(deployment, code) } == "pack-code-invalid")
        #expect(try deployment.clearinghouse.auditLog().map(\.event).contains("pack-sold") == false)
    }

    @Test("A transfer application waits for the operator; approval signs a grant that moves the seat once; refusal says why; asking twice answers the first")
    func applications() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 5)])
        let first = try deployment.issue(to: try deployment.client("PC-A")).certificate
        let application = try deployment.clearinghouse.applyForTransfer(of: first)
        #expect(application.status == .pending && application.grant == nil)
        #expect(try deployment.clearinghouse.applyForTransfer(of: first).id == application.id)
        let approved = try deployment.clearinghouse.approveTransferApplication(id: application.id)
        #expect(approved.status == .approved)
        let grant = try #require(approved.grant)
        // Approving again changes nothing; the grant moves the seat on the license server, once.
        #expect(try deployment.clearinghouse.approveTransferApplication(id: application.id).grant == grant)
        let moved = try await deployment.server.transfer(grant: grant, request: try deployment.client("PC-B").request())
        #expect(try LicenseExtension(of: moved.certificate)?.transferredFrom == Array(first.serialNumber.bytes))
        #expect(thrownCode { _ = try deployment.clearinghouse.applyForTransfer(of: moved.certificate) } == "seat-already-transferred")
        #expect(try deployment.clearinghouse.auditLog().filter { $0.event == "transfer-authorized" }.count == 1)

        // Another CAL: refused with a reason the customer reads; it cannot be approved afterwards.
        let second = try deployment.issue(to: try deployment.client("PC-C")).certificate
        let pending = try deployment.clearinghouse.applyForTransfer(of: second)
        #expect(thrownCode { _ = try deployment.clearinghouse.refuseTransferApplication(id: pending.id, reason: "  ") } == "invalid-argument")
        let refused = try deployment.clearinghouse.refuseTransferApplication(id: pending.id, reason: "no proof the device is gone")
        #expect(refused.status == .refused && refused.refusal == "no proof the device is gone")
        #expect(try deployment.clearinghouse.approveTransferApplication(id: pending.id).status == .refused)
        #expect(try deployment.clearinghouse.auditLog().filter { $0.event == "transfer-authorized" }.count == 1)
        _ = try await deployment.clearinghouse.verifyAudit(expectedHead: nil)
    }

    @Test("What cannot move is refused when applied for: a temporary license, a per-user one, one from a server not activated here")
    func notTransferable() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 5), (.perUser, 5)])
        let client = try deployment.client("PC-A")
        #expect(thrownCode { _ = try deployment.clearinghouse.applyForTransfer(of: try deployment.issue(to: client, temporary: true).certificate) } == "not-transferable")
        #expect(thrownCode { _ = try deployment.clearinghouse.applyForTransfer(of: try deployment.issue(to: client, user: "ann@example.com").certificate) } == "not-transferable")
        let elsewhere = try await Deployment.make(packs: [(.perDevice, 5)])
        let foreign = try elsewhere.issue(to: try elsewhere.client("PC-X")).certificate
        #expect(thrownCode { _ = try deployment.clearinghouse.applyForTransfer(of: foreign) } == "not-transferable")
        #expect(try deployment.clearinghouse.transferApplications().isEmpty)
    }

    @Test("The seat moved meanwhile by another method: approving says so and grants nothing")
    func seatMovedMeanwhile() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 5)])
        let license = try deployment.issue(to: try deployment.client("PC-A")).certificate
        let application = try deployment.clearinghouse.applyForTransfer(of: license)
        _ = try deployment.clearinghouse.authorizeTransfer(of: license)
        #expect(thrownCode { _ = try deployment.clearinghouse.approveTransferApplication(id: application.id) } == "seat-already-transferred")
        #expect(try deployment.clearinghouse.transferApplication(id: application.id).status == .pending)
    }

    @Test("An application or a spent code removed from the database behind the clearinghouse's back is caught by the audit")
    func auditCatchesRemovedRows() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 5)])
        _ = try deployment.clearinghouse.applyForTransfer(of: try deployment.issue(to: try deployment.client("PC-A")).certificate)
        let (code, _) = try deployment.clearinghouse.issuePackCode(
            agreement: "4711", licenseType: .perDevice, product: Deployment.product, productVersion: "1.0", count: 10
        )
        _ = try Self.buy(deployment, code)
        _ = try await deployment.clearinghouse.verifyAudit(expectedHead: nil)
        let database = deployment.clearinghouse.home.file(Clearinghouse.Files.store)
        func finding() async -> String {
            do {
                _ = try await deployment.clearinghouse.verifyAudit(expectedHead: nil)
                return "none"
            } catch {
                return "\(error)"
            }
        }
        // Un-spending the code (to buy a second pack with it) is seen.
        try SQLiteEditor.execute("UPDATE pack_codes SET used_at = NULL, pack_id = NULL", in: database)
        #expect(await finding().contains("spent key pack code"))
        // Deleting the application (to apply again) is seen.
        try SQLiteEditor.execute("DELETE FROM transfer_applications", in: database)
        #expect(await finding().contains("recorded transfer application"))
    }

    @Test("One code raced from many tabs for two servers at once: exactly one pack is sold")
    func racedCode() async throws {
        let deployment = try await Deployment.make(packs: [])
        let other = try await deployment.anotherServer("other")
        let (code, _) = try deployment.clearinghouse.issuePackCode(
            agreement: "4711", licenseType: .perDevice, product: Deployment.product, productVersion: "1.0", count: 10
        )
        let servers = (0..<16).map { $0 % 2 == 0 ? deployment.server.serverID : other.serverID }
        let clearinghouse = deployment.clearinghouse
        let packs = await withTaskGroup(of: String?.self) { group in
            for serverID in servers {
                group.addTask {
                    try? clearinghouse.buyPack(
                        code: code, serverID: serverID, licenseType: .perDevice, count: 10, product: Deployment.product, productVersion: "1.0",
                        agreementNumber: "4711"
                    ).content.licenseServerID
                }
            }
            return await group.reduce(into: [String]()) { if let id = $1 { $0.append(id) } }
        }
        // Every success is the one sale, answered again to its own server; the other server gets nothing.
        #expect(Set(packs).count == 1)
        #expect(try deployment.clearinghouse.auditLog().filter { $0.event == "pack-sold" }.count == 1)
    }
}
