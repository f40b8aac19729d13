import CALClearinghouse
import CALCore
import CALWire
import Foundation
import HTTPTypes
import Hummingbird

/// The web browser method, served by `calkit clearinghouse serve` under `/`: a person with only
/// a browser activates a license server, gets a key pack and asks for a transfer, and the
/// operator decides transfers on `/operator`. Every form is checked against forgery
/// (``FormGuard``), answers a failure on the form itself in plain words, and redirects after
/// success (303), so that a reload or a second click never creates anything twice.
struct ClearinghousePages: Sendable {
    let clearinghouse: Clearinghouse
    let site: PageSite
    let openActivation: Bool

    init(clearinghouse: Clearinghouse, operatorToken: BearerToken?, limit: RateLimiter, openActivation: Bool, bodyLimit: Int, secureCookies: Bool) throws {
        self.clearinghouse = clearinghouse
        site = try PageSite(
            siteName: "CALKit Clearinghouse",
            navigation: [("/", "Home"), ("/activate", "Activate"), ("/buy", "Install CALs"), ("/transfer", "Transfer"), ("/operator", "Operator")],
            templates: ClearinghouseTemplates.all, token: operatorToken, sessionCookie: "calkit_operator", limit: limit, bodyLimit: bodyLimit,
            secureCookies: secureCookies
        )
        self.openActivation = openActivation
    }

    func add(to routes: ServiceRoutes) {
        routes.add(.get, "/") { _, _ in site.renderer.page("home", [:]) }
        addActivation(to: routes)
        addPacks(to: routes)
        addTransfers(to: routes)
        addOperator(to: routes)
    }
}
