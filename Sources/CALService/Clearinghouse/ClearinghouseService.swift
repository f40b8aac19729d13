import CALClearinghouse
import CALCore
import Foundation
import Hummingbird
import Metrics

/// The clearinghouse's HTTP service: automatic activation (an activation request and a one-time
/// activation code in, the chain out), key packs and transfer grants for the operator, and the
/// root's CRL, one controller per resource (docs/openapi-clearinghouse.yaml describes every route);
/// and the web browser method's pages under `/` (``ClearinghousePages``).
public struct ClearinghouseService: Sendable {
    /// The clearinghouse served.
    public let clearinghouse: Clearinghouse
    /// The operator's token for packs and transfers; without one those routes are off.
    public let operatorToken: BearerToken?
    /// The limit on activation requests per client network.
    public let activationLimit: RateLimiter
    /// The largest request body accepted.
    public let bodyLimit: Int
    /// Whether a first activation needs no one-time activation code (anyone who can reach the
    /// service may activate a server under the root).
    public let openActivation: Bool

    /// A service for `clearinghouse`.
    public init(
        clearinghouse: Clearinghouse,
        operatorToken: BearerToken? = nil,
        activationLimit: RateLimiter = RateLimiter(limit: 10, per: 60),
        bodyLimit: Int = LicenseServerService.defaultBodyLimit,
        openActivation: Bool = false
    ) {
        self.openActivation = openActivation
        self.clearinghouse = clearinghouse
        self.operatorToken = operatorToken
        self.activationLimit = activationLimit
        self.bodyLimit = bodyLimit
    }

    /// The routes, for an application or a test.
    public func router() throws -> Router<ServiceRequestContext> {
        let routes = ServiceRoutes(bodyLimit: bodyLimit)
        try ClearinghousePages(
            clearinghouse: clearinghouse, operatorToken: operatorToken, limit: activationLimit, openActivation: openActivation, bodyLimit: bodyLimit,
            secureCookies: true
        ).add(to: routes)
        ActivationController(clearinghouse: clearinghouse, limit: activationLimit, openActivation: openActivation, bodyLimit: bodyLimit)
            .add(to: routes)
        PackSaleController(clearinghouse: clearinghouse, operatorToken: operatorToken, bodyLimit: bodyLimit).add(to: routes)
        TransferController(clearinghouse: clearinghouse, operatorToken: operatorToken, bodyLimit: bodyLimit).add(to: routes)
        let crl = CRLController { try clearinghouse.revocationStamp() } make: { try clearinghouse.revocationList().derBytes }
        crl.add(to: routes)
        MetricsController(token: operatorToken) {
            if let age = crl.age(at: Date()) { Gauge(label: "calkit_crl_age_seconds").record(age) }
        }.add(to: routes)
        return routes.build()
    }
}
