import CALClearinghouse
import CALClient
import CALCore
import CALHost
import CALLicenseServer
import Foundation
import X509

/// A whole CALKit deployment in a temporary folder, built through the library: a clearinghouse,
/// an activated license server with packs installed, and clients on demand.
public struct Deployment: Sendable {
    /// The folder holding every home.
    public let folder: TemporaryFolder
    /// The clearinghouse.
    public let clearinghouse: Clearinghouse
    /// The activated license server.
    public let server: LicenseServer
    /// The product every pack licenses.
    public static let product = "Test Desktop"

    /// Builds a deployment with the given key types and packs (type and count each).
    public static func make(
        rootKey: KeyType = .p256,
        serverKey: KeyType = .p256,
        packs: [(LicenseType, Int)] = [(.perDevice, 5), (.perUser, 5)],
        time: any TimeSource = SystemTimeSource()
    ) async throws -> Deployment {
        let folder = try TemporaryFolder("deployment")
        let clearinghouse = try Clearinghouse.create(at: folder.file("ch"), keyType: rootKey, time: time)
        let server = try LicenseServer.create(at: folder.file("ls"), name: "Test Server", keyType: serverKey, time: time)
        let request = try PEMBundle.request(at: server.home.file(LicenseServer.Files.activationRequest))
        let chain = try clearinghouse.activate(request)
        _ = try await server.installCertificate(chain: chain)
        let deployment = Deployment(folder: folder, clearinghouse: clearinghouse, server: server)
        for (type, count) in packs {
            _ = try await server.installPack(try deployment.pack(type, count: count).signedBytes)
        }
        return deployment
    }

    /// Another license server activated under the same clearinghouse (a rogue one, say), with no packs.
    public func anotherServer(_ name: String, time: any TimeSource = SystemTimeSource()) async throws -> LicenseServer {
        let server = try LicenseServer.create(at: folder.file(name), name: name, time: time)
        let request = try PEMBundle.request(at: server.home.file(LicenseServer.Files.activationRequest))
        _ = try await server.installCertificate(chain: try clearinghouse.activate(request))
        return server
    }

    /// A new pack for this deployment's server (not installed).
    public func pack(_ type: LicenseType, count: Int, product: String = Deployment.product) throws -> KeyPack {
        try clearinghouse.issuePack(
            serverCertificate: try server.chain()[0],
            licenseType: type,
            count: count,
            product: product,
            productVersion: "1.0",
            agreementNumber: "AGREEMENT-1"
        )
    }

    /// A new client in this deployment's folder.
    public func client(_ deviceID: String, keyType: KeyType = .p256) throws -> ClientIdentity {
        try ClientIdentity.create(at: folder.file("client-\(deviceID)"), deviceID: deviceID, keyType: keyType)
    }

    /// Issues a license to a client (for its device, or for `user`).
    public func issue(
        to client: ClientIdentity,
        user: String? = nil,
        temporary: Bool = false
    ) throws -> IssuedCertificate {
        try server.issue(
            request: try client.request(user: user),
            licenseType: user == nil ? .perDevice : .perUser,
            temporary: temporary,
            product: Deployment.product
        )
    }

    /// How a session host binds to this deployment's license server, in process.
    public var hostBinding: LicenseServerBinding {
        LicenseServerBinding(location: server.home.path, serverIDs: [server.serverID], trustRoots: [clearinghouse.root])
    }

    /// A session host bound to this deployment's license server, in a new folder.
    public func host(_ name: String = "host", mode: LicenseType = .perDevice, product: String? = Deployment.product, time: any TimeSource)
        throws -> SessionHost
    {
        try SessionHost.create(at: folder.file(name), mode: mode, product: product, binding: hostBinding, time: time)
    }

    /// A verifier that trusts this deployment's root and knows its server certificate.
    public var verifier: LicenseVerifier {
        get throws {
            let chain = try server.chain()
            return LicenseVerifier(trustRoots: [clearinghouse.root], intermediates: [chain[0]])
        }
    }

    /// Writes certificates as one PEM file in the folder and returns its path.
    public func write(_ name: String, _ certificates: [Certificate]) throws -> String {
        try folder.write(name, try PEMBundle.pem(of: certificates))
    }
}
