import CALClearinghouse
import CALCore
import Foundation
import HTTPTypes
import Hummingbird
import X509

/// The clearinghouse's HTTP API: automatic activation (`POST /v1/activations`, a CSR and a
/// one-time activation code in, the chain out), key packs and transfer grants for the operator, and the root's CRL at `/crl`.
public struct ClearinghouseAPI: Sendable {
    /// The clearinghouse served.
    public let clearinghouse: Clearinghouse
    /// The operator's token for packs and transfers; without one those routes are off.
    public let operatorToken: BearerToken?
    /// The limit on activation requests per client address.
    public let activationLimit: RateLimiter
    /// The largest request body accepted.
    public let bodyLimit: Int
    /// Whether a first activation needs no one-time activation code (anyone who can reach the
    /// service may activate a server under the root).
    public let openActivation: Bool
    /// The header a first activation carries its one-time code in.
    public static let activationCodeHeader = HTTPField.Name("CALKit-Activation-Code")!
    private let crlCache = PublishedCRLCache()

    /// An API for `clearinghouse`.
    public init(
        clearinghouse: Clearinghouse,
        operatorToken: BearerToken? = nil,
        activationLimit: RateLimiter = RateLimiter(limit: 10, per: 60),
        bodyLimit: Int = LicenseServerAPI.defaultBodyLimit,
        openActivation: Bool = false
    ) {
        self.openActivation = openActivation
        self.clearinghouse = clearinghouse
        self.operatorToken = operatorToken
        self.activationLimit = activationLimit
        self.bodyLimit = bodyLimit
    }

    /// The routes.
    public func router() -> Router<ServiceRequestContext> {
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: BodyDeadlineMiddleware(seconds: 10, limit: bodyLimit))
        router.post("/v1/activations") { request, context in
            if let wait = activationLimit.take(for: context.clientKey) {
                throw APIError(CALError(.rateLimited, "too many activation requests; try again in \(Int(wait.rounded(.up))) s"))
            }
            var request = request
            let body = try await request.collectBody(upTo: bodyLimit)
            let codeText = request.headers[Self.activationCodeHeader]
            return try handle {
                let csr = try CertificateSigningRequest(pemEncoded: String(decoding: body.readableBytesView, as: UTF8.self))
                var code: ActivationCode?
                if let codeText {
                    guard let parsed = ActivationCode(codeText) else { throw CALError.activationCodeInvalid }
                    code = parsed
                }
                let chain = try clearinghouse.activate(csr, activationCode: code, requireActivationCode: !openActivation)
                return LicenseServerAPI.bytes(Array(try PEMBundle.pem(of: chain).utf8), type: "application/pem-certificate-chain", status: .created)
            }
        }
        router.post("/v1/packs") { request, _ in
            try BearerToken.authorize(request, with: operatorToken)
            var request = request
            let body = try await request.collectBody(upTo: bodyLimit)
            guard let order = try? JSONDecoder().decode(PackOrder.self, from: Data(body.readableBytesView)) else {
                throw APIError(CALError(.malformed, "send {serverCertificate, licenseType, count, product, productVersion, agreement}"))
            }
            return try handle {
                let pack = try clearinghouse.issuePack(
                    serverCertificate: try Certificate(pemEncoded: order.serverCertificate),
                    licenseType: order.licenseType,
                    count: order.count,
                    product: order.product,
                    productVersion: order.productVersion ?? "",
                    agreementNumber: order.agreement
                )
                return LicenseServerAPI.bytes(pack.signedBytes, type: "application/cms", status: .created)
            }
        }
        router.post("/v1/transfers") { request, _ in
            try BearerToken.authorize(request, with: operatorToken)
            var request = request
            let body = try await request.collectBody(upTo: bodyLimit)
            return try handle {
                // The license file as a client stores it: the license first, then its server certificate.
                let certificates = try PEMBundle.certificates(in: String(decoding: body.readableBytesView, as: UTF8.self), path: "the request body")
                guard let license = certificates.first else { throw CALError.malformed(what: "the request body", reason: "no license") }
                let grant = try clearinghouse.authorizeTransfer(of: license)
                return LicenseServerAPI.bytes(grant.signedBytes, type: "application/cms", status: .created)
            }
        }
        router.get("/crl") { _, _ in
            try handle {
                let stamp = try clearinghouse.revocationStamp()
                let crl = try crlCache.value(stamp: stamp, now: Date()) { try clearinghouse.revocationList().derBytes }
                return LicenseServerAPI.bytes(crl, type: "application/pkix-crl")
            }
        }
        return router
    }

    /// Runs `body`, turning input that does not parse into 400; CALKit's own errors pass on to
    /// the error middleware, the one place they become HTTP answers.
    private func handle(_ body: () throws -> Response) throws -> Response {
        do {
            return try body()
        } catch let error as CALError {
            throw error
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(CALError(.malformed, "the request does not parse: \(CALError.reason(describing: error))"))
        }
    }

    /// The JSON body of `POST /v1/packs`.
    struct PackOrder: Decodable {
        let serverCertificate: String
        let licenseType: LicenseType
        let count: Int
        let product: String
        let productVersion: String?
        let agreement: String
    }
}
