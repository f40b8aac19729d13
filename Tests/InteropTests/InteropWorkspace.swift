import CALClient
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

/// Every artefact of one deployment written to disk, for the independent tools to read.
struct InteropWorkspace {
    let deployment: Deployment
    let folder: TemporaryFolder
    let root: String
    let serverChain: String
    let serverCertificate: String
    let signerCertificate: String
    let licenses: [String: String]
    let requests: [String]
    let keys: [String]
    let packs: [String]

    /// Builds a deployment with the given key types and writes every artefact.
    static func make(root rootKey: KeyType, server serverKey: KeyType, client clientKey: KeyType) async throws -> InteropWorkspace {
        let deployment = try await Deployment.make(rootKey: rootKey, serverKey: serverKey, packs: [])
        let folder = deployment.folder
        let packs = [
            try folder.write("per-device.keypack", try deployment.pack(.perDevice, count: 3).signedBytes),
            try folder.write("per-user.keypack", try deployment.pack(.perUser, count: 3).signedBytes),
        ]
        for pack in packs { _ = try await deployment.server.installPack(try folder.read(pack)) }
        let client = try deployment.client("DEVICE-1", keyType: clientKey)
        let deviceRequest = try folder.write("device.csr", try client.request().serializeAsPEM().pemString)
        let userRequest = try folder.write("user.csr", try client.request(user: "alice@example.com").serializeAsPEM().pemString)
        let chain = try deployment.server.chain()
        var licenses: [String: String] = [:]
        for (name, user, temporary) in [("per-device", nil as String?, false), ("per-user", "alice@example.com", false), ("temporary", nil, true)] {
            let issued = try deployment.issue(to: client, user: user, temporary: temporary)
            licenses[name] = try deployment.write("\(name)-cal.pem", [issued.certificate])
        }
        return InteropWorkspace(
            deployment: deployment,
            folder: folder,
            root: deployment.clearinghouse.home.file("root.pem"),
            serverChain: deployment.server.home.file(LicenseServer.Files.chain),
            serverCertificate: try deployment.write("server.pem", [chain[0]]),
            signerCertificate: deployment.clearinghouse.home.file("signer.pem"),
            licenses: licenses,
            requests: [deviceRequest, userRequest, deployment.server.home.file(LicenseServer.Files.activationRequest)],
            keys: [
                deployment.clearinghouse.home.file("root-key.pem"), deployment.clearinghouse.home.file("signer-key.pem"),
                deployment.server.home.file(LicenseServer.Files.key), client.home.file(ClientIdentity.Files.key),
            ],
            packs: packs
        )
    }
}

/// Expects a tool run to succeed, showing its output when it does not.
func expectSuccess(_ result: ProcessResult, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == 0, "\(what) failed:\n\(result.output)\n\(result.error)", sourceLocation: sourceLocation)
}
