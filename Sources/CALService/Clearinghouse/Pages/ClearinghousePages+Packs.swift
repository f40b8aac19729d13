import CALClearinghouse
import CALCore
import CALWire
import Hummingbird

/// `/buy`: the license-server id, the key pack code and the order in; a redirect to
/// `/packs/ID`, whose page offers the pack for `server install-pack`.
extension ClearinghousePages {
    func addPacks(to routes: ServiceRoutes) {
        routes.add(.get, "/buy") { request, _ in site.form("buy", request, ["productVersion": "1.0", "perDevice": true]) }
        site.addFormPost(to: routes, "/buy", page: "buy", keep: Self.orderValues) { fields in try await buy(fields) }
        routes.add(.get, "/packs/{packID}") { _, context in
            guard let pack = try pack(context) else { return noPack() }
            let content = pack.content
            return site.renderer.page("pack", [
                "packID": content.keyPackID, "count": content.count, "licenseType": content.licenseType.rawValue, "product": content.product,
                "productVersion": content.productVersion, "serverID": content.licenseServerID, "title": "Key pack ready",
            ])
        }
        routes.add(.get, "/packs/{packID}/keypack.der") { _, context in
            guard let pack = try pack(context) else { return noPack() }
            return PageRenderer.download(pack.signedBytes, type: MediaType.cms, filename: "keypack.der")
        }
    }

    private func buy(_ fields: FormFields) async throws -> Response {
        guard let serverID = fields.text("serverID") else { throw CALError.invalidArgument("enter the license-server id") }
        guard let codeText = fields.text("packCode") else { throw CALError.invalidArgument("enter the key pack code your vendor gave you") }
        guard let code = ActivationCode(codeText) else { throw CALError.invalidArgument("a key pack code has 25 letters and digits, in five groups of five") }
        guard let agreement = fields.text("agreement") else { throw CALError.invalidArgument("enter the agreement number") }
        guard let product = fields.text("product") else { throw CALError.invalidArgument("enter the product") }
        guard let type = fields.text("licenseType").flatMap(LicenseType.init(rawValue:)) else { throw CALError.invalidArgument("choose per device or per user") }
        guard let count = fields.text("count").flatMap(Int.init), count > 0 else { throw CALError.invalidArgument("enter the number of CALs, a whole number above 0") }
        let version = fields.text("productVersion") ?? ""
        let clearinghouse = clearinghouse
        let pack = try await LedgerWork.run {
            try clearinghouse.buyPack(
                code: code, serverID: serverID, licenseType: type, count: count, product: product, productVersion: version, agreementNumber: agreement
            )
        }
        return PageRenderer.redirect("/packs/\(pack.content.keyPackID)")
    }

    /// The order as typed, to show again with what was wrong.
    private static func orderValues(_ fields: FormFields) -> [String: Any] {
        var values: [String: Any] = [:]
        for name in ["serverID", "packCode", "agreement", "product", "productVersion", "count"] { values[name] = fields.text(name) ?? "" }
        values[fields.text("licenseType") == "per-user" ? "perUser" : "perDevice"] = true
        return values
    }

    private func pack(_ context: ServiceRequestContext) throws -> KeyPack? {
        guard let id = context.parameters.get("packID").flatMap(CALIdentifier.normalized), let bytes = try clearinghouse.signedPack(packID: id) else {
            return nil
        }
        return try KeyPack.unverified(bytes)
    }

    private func noPack() -> Response {
        site.message("No such key pack", "No key pack with this id was sold here.", status: .notFound, link: ("/buy", "Get a key pack"))
    }
}
