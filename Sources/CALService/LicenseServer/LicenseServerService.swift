import CALCore
import CALLicenseServer
import CALWire
import Foundation
import Hummingbird
import Metrics

/// The license server's HTTP service: licenses for session hosts, status and chain, packs,
/// revocations with the CRL and the OCSP responder (RFC 6960), and the operator's report, one
/// controller per resource (docs/openapi.yaml describes every route); and the administrator's
/// page at `/admin` (``AdminPages``).
public struct LicenseServerService: Sendable {
    /// The largest request body accepted, in bytes.
    public static let defaultBodyLimit = 64 * 1024

    /// The license server served.
    public let server: LicenseServer
    /// The largest request body accepted.
    public let bodyLimit: Int
    /// The operator's token for the admin routes; without one they are off.
    public let adminToken: BearerToken?
    /// The limit on license requests per enrolled host (or, with open requests, per client network).
    public let licenseRequestLimit: RateLimiter
    /// The limit on license requests per device or user named in the request.
    public let subjectRequestLimit: RateLimiter
    /// Whether license requests without a host credential are answered.
    public let openRequests: Bool

    /// A service for `server`. License requests and renewals need an enrolled host's credential
    /// (``LicenseServer/enrollHost(name:)``) unless `openRequests` is set.
    public init(
        server: LicenseServer,
        adminToken: BearerToken? = nil,
        licenseRequestLimit: RateLimiter = RateLimiter(limit: 60, per: 60),
        subjectRequestLimit: RateLimiter = RateLimiter(limit: 10, per: 60),
        openRequests: Bool = false,
        bodyLimit: Int = Self.defaultBodyLimit
    ) {
        self.server = server
        self.adminToken = adminToken
        self.licenseRequestLimit = licenseRequestLimit
        self.subjectRequestLimit = subjectRequestLimit
        self.openRequests = openRequests
        self.bodyLimit = bodyLimit
    }

    /// The routes, for an application or a test.
    public func router() throws -> Router<ServiceRequestContext> {
        let routes = ServiceRoutes(bodyLimit: bodyLimit)
        try AdminPages(server: server, adminToken: adminToken, bodyLimit: bodyLimit, secureCookies: true).add(to: routes)
        LicenseController(
            server: server, adminToken: adminToken, hostLimit: licenseRequestLimit, subjectLimit: subjectRequestLimit,
            openRequests: openRequests, bodyLimit: bodyLimit
        ).add(to: routes)
        StatusController(server: server, adminToken: adminToken).add(to: routes)
        PackController(server: server, adminToken: adminToken, bodyLimit: bodyLimit).add(to: routes)
        RevocationController(server: server, adminToken: adminToken, bodyLimit: bodyLimit).add(to: routes)
        OCSPController(server: server, bodyLimit: bodyLimit).add(to: routes)
        let crl = CRLController { try server.revocationStamp() } make: { try server.revocationList().derBytes }
        crl.add(to: routes)
        // The delta CRL adds to the last complete CRL published (not a new one, which would leave
        // it empty); the complete CRL is made first only when there is none yet.
        CRLController(path: WirePath.deltaCRL) { try server.revocationStamp() } make: {
            try server.deltaRevocationList { _ = try crl.current() }.derBytes
        }.add(to: routes)
        MetricsController(token: adminToken) {
            for usage in try server.status().products {
                Gauge(label: "calkit_seats_free", dimensions: [("product", usage.product), ("license_type", usage.licenseType.rawValue)])
                    .record(usage.free)
            }
            if let age = crl.age(at: Date()) { Gauge(label: "calkit_crl_age_seconds").record(age) }
        }.add(to: routes)
        return routes.build()
    }
}
