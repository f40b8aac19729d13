import CALClearinghouse
import CALCore
import CALWire
import HTTPTypes
import Hummingbird
import X509

/// `POST /v1/activations`: the automatic activation method. A license server's activation
/// request (PEM CSR) in, with the one-time code of a first activation; its chain (PEM) out.
/// A re-key proves itself with the server's current key instead.
struct ActivationController: Sendable {
    let clearinghouse: Clearinghouse
    /// Activation requests per client network.
    let limit: RateLimiter
    let openActivation: Bool
    let bodyLimit: Int

    func add(to routes: ServiceRoutes) {
        routes.add(.post, WirePath.activations) { request, context in
            if let wait = limit.take(for: context.clientKey) {
                throw CALError(.rateLimited, "too many activation requests; try again in \(Int(wait.rounded(.up))) s")
            }
            var request = request
            try request.requireContentType(MediaType.pkcs10, for: "the activation request (PEM)")
            let body = try await request.bodyBytes(upTo: bodyLimit)
            let csr: CertificateSigningRequest
            do {
                csr = try CertificateSigningRequest(pemEncoded: String(decoding: body, as: UTF8.self))
            } catch {
                throw CALError.malformed(what: "the activation request", reason: CALError.reason(describing: error))
            }
            var code: ActivationCode?
            if let text = request.headers[HTTPField.Name(WirePath.activationCodeHeader)!] {
                guard let parsed = ActivationCode(text) else { throw CALError.activationCodeInvalid }
                code = parsed
            }
            let (required, activationCode) = (!openActivation, code)
            let chain = try await LedgerWork.run { try clearinghouse.activate(csr, activationCode: activationCode, requireActivationCode: required) }
            return .bytes(Array(try PEMBundle.pem(of: chain).utf8), type: MediaType.pemCertificateChain, status: .created)
        }
    }
}
