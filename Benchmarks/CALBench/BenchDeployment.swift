import CALClearinghouse
import CALClient
import CALCore
import CALLicenseServer
import Foundation
import X509

/// The deployment every benchmark row runs against: P-256 everywhere (the default), one
/// activated license server with one large per-device pack, and one client's request.
struct BenchDeployment {
    let folder: String
    let clearinghouse: Clearinghouse
    let server: LicenseServer
    let serverCertificate: Certificate
    let serverKey: Certificate.PrivateKey
    let pack: KeyPack
    let client: ClientIdentity
    let request: CertificateSigningRequest

    /// Builds it in a fresh temporary folder, its ledger in SQLite or at the PostgreSQL URL
    /// `database`; `remove()` throws it away.
    static func make(seats: Int, database: String? = nil) async throws -> BenchDeployment {
        let folder = NSTemporaryDirectory() + "/calbench-\(UUID().uuidString.prefix(8))"
        let clearinghouse = try Clearinghouse.create(at: folder + "/ch")
        let server = try LicenseServer.create(at: folder + "/ls", name: "Bench", database: database)
        let chain = try clearinghouse.activate(try PEMBundle.request(at: server.home.file(LicenseServer.Files.activationRequest)))
        _ = try await server.installCertificate(chain: chain)
        let pack = try clearinghouse.issuePack(
            serverCertificate: chain[0], licenseType: .perDevice, count: seats, product: "Bench", productVersion: "1",
            agreementNumber: "B"
        )
        _ = try await server.installPack(pack.signedBytes)
        let client = try ClientIdentity.create(at: folder + "/client", deviceID: "BENCH-1")
        return BenchDeployment(
            folder: folder,
            clearinghouse: clearinghouse,
            server: server,
            serverCertificate: chain[0],
            serverKey: try PrivateKeyFile.read(from: server.home.file(LicenseServer.Files.key)),
            pack: pack,
            client: client,
            request: try client.request()
        )
    }

    /// Mints one license through the license server: request check, seat, signature, SQLite record.
    func issue() throws -> Certificate {
        try server.issue(request: request, licenseType: .perDevice, temporary: false, product: "Bench").certificate
    }

    /// A verifier trusting this deployment's root.
    var verifier: LicenseVerifier {
        LicenseVerifier(trustRoots: [clearinghouse.root], intermediates: [serverCertificate])
    }

    /// Deletes the folder.
    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }
}
