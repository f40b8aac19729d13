import CALCore
import CALLicenseServer
import CALWire
import Hummingbird

/// What a license server is: its status (packs, counts, issuers) and chain for anyone, its usage
/// report for the operator.
struct StatusController: Sendable {
    let server: LicenseServer
    let adminToken: BearerToken?

    func add(to routes: ServiceRoutes) {
        routes.add(.get, WirePath.status) { _, _ in try .json(try server.status()) }
        routes.add(.get, WirePath.chain) { _, _ in
            .bytes(Array(try PEMBundle.pem(of: try server.chain()).utf8), type: MediaType.pemCertificateChain)
        }
        routes.add(.get, WirePath.report) { request, _ in
            try BearerToken.authorize(request, with: adminToken)
            return try .json(try server.report())
        }
    }
}
