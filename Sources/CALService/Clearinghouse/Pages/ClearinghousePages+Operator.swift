import CALClearinghouse
import CALCore
import CALWire
import Hummingbird

/// `/operator`: the operator signs in with the service's operator token and approves or
/// refuses transfer applications; approving signs the grant and records the seat in the
/// transfer ledger in one transaction.
extension ClearinghousePages {
    func addOperator(to routes: ServiceRoutes) {
        site.addSignIn(
            to: routes, path: "/operator/login", logout: "/operator/logout", home: "/operator",
            hint: "The operator token this service was started with."
        )
        routes.add(.get, "/operator") { request, _ in
            guard site.sessions.isSignedIn(request) else { return PageRenderer.redirect("/operator/login") }
            return try operatorPage(request)
        }
        for decision in ["approve", "refuse"] {
            routes.add(.post, "/operator/transfers/{id}/\(decision)") { request, context in
                guard site.sessions.isSignedIn(request) else { return PageRenderer.redirect("/operator/login") }
                var request = request
                do {
                    let fields = try await site.postedForm(&request)
                    let id = context.parameters.get("id") ?? ""
                    let clearinghouse = clearinghouse
                    if decision == "approve" {
                        _ = try await LedgerWork.run { try clearinghouse.approveTransferApplication(id: id) }
                    } else {
                        let reason = fields.text("reason") ?? ""
                        _ = try await LedgerWork.run { try clearinghouse.refuseTransferApplication(id: id, reason: reason) }
                    }
                    return PageRenderer.redirect("/operator")
                } catch let error as CALError {
                    return try operatorPage(request, error: error)
                }
            }
        }
    }

    private func operatorPage(_ request: Request, error: CALError? = nil) throws -> Response {
        let applications = try clearinghouse.transferApplications().sorted { ($0.status == .pending ? 0 : 1, $1.submittedAt) < ($1.status == .pending ? 0 : 1, $0.submittedAt) }
        return site.form("operator", request, ["applications": applications.map(Self.values(of:)), "title": "Operator"], error: error)
    }
}
