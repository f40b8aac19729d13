import CALClearinghouse
import CALCore
import CALWire
import Hummingbird
import X509

/// `/activate`: the activation request (pasted or uploaded) and the one-time code in; a
/// redirect to `/activations/ID`, whose page offers the chain for `server install-certificate`.
extension ClearinghousePages {
    func addActivation(to routes: ServiceRoutes) {
        routes.add(.get, "/activate") { request, _ in site.form("activate", request) }
        site.addFormPost(
            to: routes, "/activate", page: "activate",
            keep: { ["request": $0.text("request") ?? "", "activationCode": $0.text("activationCode") ?? ""] }
        ) { fields in try await activate(fields) }
        routes.add(.get, "/activations/{serverID}") { _, context in
            guard let chain = try chain(context) else { return notActivated() }
            let certificate = chain[0]
            return site.renderer.page("activation", [
                "serverID": LicenseServerProfile.serverID(of: certificate) ?? "", "notAfter": certificate.notValidAfter.iso8601,
                "serial": SerialNumbers.hex(certificate.serialNumber), "title": "License server activated",
            ])
        }
        routes.add(.get, "/activations/{serverID}/server-chain.pem") { _, context in
            guard let chain = try chain(context) else { return notActivated() }
            return PageRenderer.download(Array(try PEMBundle.pem(of: chain).utf8), type: MediaType.pemCertificateChain, filename: "server-chain.pem")
        }
    }

    private func activate(_ fields: FormFields) async throws -> Response {
        guard let pem = fields.text("requestFile", "request") else {
            throw CALError.invalidArgument("paste the activation request, or choose its file (activation-request.pem)")
        }
        let csr: CertificateSigningRequest
        do {
            csr = try CertificateSigningRequest(pemEncoded: pem)
        } catch {
            throw CALError.malformed(what: "the activation request", reason: "it is not a PEM certificate request; paste the whole of activation-request.pem")
        }
        let serverID = try LicenseServerProfile.checkActivationRequest(csr).serverID
        // The same form sent again: this very key is activated already; show its result.
        if let chain = try clearinghouse.chain(ofServer: serverID), chain[0].publicKey == csr.publicKey {
            return PageRenderer.redirect("/activations/\(serverID)")
        }
        var code: ActivationCode?
        if let text = fields.text("activationCode") {
            guard let parsed = ActivationCode(text) else {
                throw CALError.invalidArgument("an activation code has 25 letters and digits, in five groups of five")
            }
            code = parsed
        }
        let (clearinghouse, required, activationCode) = (clearinghouse, !openActivation, code)
        _ = try await LedgerWork.run { try clearinghouse.activate(csr, activationCode: activationCode, requireActivationCode: required) }
        return PageRenderer.redirect("/activations/\(serverID)")
    }

    private func chain(_ context: ServiceRequestContext) throws -> [Certificate]? {
        try clearinghouse.chain(ofServer: context.parameters.get("serverID") ?? "")
    }

    private func notActivated() -> Response {
        site.message("Not activated", "No license server with this id is activated here.", status: .notFound, link: ("/activate", "Activate a license server"))
    }
}
