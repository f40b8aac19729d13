import CALCore
import CALLicenseServer
import CALWire
import Hummingbird

/// `/v1/packs`: the installed key packs as the clearinghouse signed them (public: hosts check
/// what backs a CAL), and installing one (operator).
struct PackController: Sendable {
    let server: LicenseServer
    let adminToken: BearerToken?
    let bodyLimit: Int

    func add(to routes: ServiceRoutes) {
        routes.add(.get, WirePath.packs) { _, _ in
            try .json(SignedKeyPacksMessage(packs: try await server.signedKeyPacks()))
        }
        routes.add(.post, WirePath.packs) { request, _ in
            try BearerToken.authorize(request, with: adminToken)
            var request = request
            try request.requireContentType(MediaType.octetStream, for: "the signed key pack (DER)")
            let content = try await server.installPack(try await request.bodyBytes(upTo: bodyLimit))
            return try .json(InstalledPackMessage(content), status: .created)
        }
    }
}
