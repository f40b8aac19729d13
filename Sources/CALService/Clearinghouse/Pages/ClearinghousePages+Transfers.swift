import CALClearinghouse
import CALCore
import CALWire
import Hummingbird

/// `/transfer`: a license (pasted or uploaded) in; a redirect to `/transfers/ID`, which says
/// whether the operator has decided and, once approved, offers the grant for `server transfer`.
extension ClearinghousePages {
    func addTransfers(to routes: ServiceRoutes) {
        routes.add(.get, "/transfer") { request, _ in site.form("transfer", request) }
        site.addFormPost(to: routes, "/transfer", page: "transfer", keep: { ["license": $0.text("license") ?? ""] }) { fields in
            guard let pem = fields.text("licenseFile", "license") else { throw CALError.invalidArgument("paste the license file, or choose it") }
            let certificates = try PEMBundle.certificates(in: pem, path: "the license")
            guard let license = certificates.first else { throw CALError.malformed(what: "the license", reason: "it holds no certificate") }
            let clearinghouse = clearinghouse
            let application = try await LedgerWork.run { try clearinghouse.applyForTransfer(of: license) }
            return PageRenderer.redirect("/transfers/\(application.id)")
        }
        routes.add(.get, "/transfers/{id}") { _, context in
            guard let application = try application(context) else { return noApplication() }
            var values = Self.values(of: application)
            values["title"] = "Transfer application"
            return site.renderer.page("application", values)
        }
        routes.add(.get, "/transfers/{id}/grant.der") { _, context in
            guard let application = try application(context), let grant = application.grant else { return noApplication() }
            return PageRenderer.download(grant, type: MediaType.cms, filename: "grant.der")
        }
    }

    /// What the pages show of an application.
    static func values(of application: TransferApplication) -> [String: Any] {
        [
            "id": application.id, "oldSerial": application.oldSerial, "serverID": application.serverID, "keyPackID": application.keyPackID,
            "seat": application.seat, "submittedAt": application.submittedAt.iso8601, "decidedAt": application.decidedAt?.iso8601 ?? "",
            "status": application.status.rawValue, "refusal": application.refusal ?? "",
            "pending": application.status == .pending, "approved": application.status == .approved, "refused": application.status == .refused,
        ]
    }

    private func application(_ context: ServiceRequestContext) throws -> TransferApplication? {
        guard let id = context.parameters.get("id").flatMap(CALIdentifier.normalized) else { return nil }
        do {
            return try clearinghouse.transferApplication(id: id)
        } catch let error as CALError where error.code == .notFound {
            return nil
        }
    }

    private func noApplication() -> Response {
        site.message("No such application", "There is no transfer application here with this id, or it has no grant yet.", status: .notFound, link: ("/transfer", "Ask for a transfer"))
    }
}
