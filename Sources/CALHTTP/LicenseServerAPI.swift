import CALCore
import CALLicenseServer
import Foundation
import Hummingbird
import Logging
import X509

/// The license server's HTTP API: status and chain under `/v1`, the CRL at `/crl` and the OCSP
/// responder at `/ocsp` (RFC 6960: POST, or GET with the base64 request in the path).
public struct LicenseServerAPI: Sendable {
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
    private let crlCache = PublishedCRLCache()

    /// An API for `server`. License requests and renewals need an enrolled host's credential
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

    /// Who is asking for a license, as a rate-limit key: the enrolled host its credential names,
    /// or (with open requests, and no credential sent) its network. Throws 401 for a request
    /// without a valid credential when requests are not open.
    private func caller(of request: Request, context: ServiceRequestContext) throws -> String {
        guard let header = request.headers[.authorization] else {
            guard openRequests else {
                throw APIError(CALError(.unauthorized, "license requests need an enrolled host's credential (Authorization: Bearer CREDENTIAL)"))
            }
            return "network " + context.clientKey
        }
        guard header.hasPrefix("Bearer ") else {
            throw APIError(CALError(.unauthorized, "send the host credential as Authorization: Bearer CREDENTIAL"))
        }
        return "host " + (try server.authenticateHost(credential: String(header.dropFirst("Bearer ".count)))).hostID
    }

    /// Throws 429 when `limiter` has no token left for `key`.
    private static func admit(_ key: String, by limiter: RateLimiter, _ what: String) throws {
        if let wait = limiter.take(for: key) {
            throw APIError(CALError(.rateLimited, "too many license requests \(what); try again in \(Int(wait.rounded(.up))) s"))
        }
    }

    /// The routes, for an application or a test.
    public func router() -> Router<ServiceRequestContext> {
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: BodyDeadlineMiddleware(seconds: 10, limit: bodyLimit))
        router.get("/v1/status") { _, _ in try Self.json(try server.status()) }
        router.get("/v1/chain") { _, _ in
            Self.bytes(Array(try PEMBundle.pem(of: try server.chain()).utf8), type: "application/pem-certificate-chain")
        }
        router.post("/v1/licenses") { request, context in
            try Self.admit(try caller(of: request, context: context), by: licenseRequestLimit, "from this host")
            var request = request
            let body = try await request.collectBody(upTo: bodyLimit)
            return try await license(Array(body.readableBytesView), contentType: request.headers[.contentType])
        }
        router.post("/v1/licenses/{serial}/renew") { request, context in
            try Self.admit(try caller(of: request, context: context), by: licenseRequestLimit, "from this host")
            var request = request
            let body = try await request.collectBody(upTo: bodyLimit)
            let serial = context.parameters.get("serial") ?? ""
            return try await renew(serial: serial, body: Array(body.readableBytesView))
        }
        router.get("/v1/packs") { _, _ in
            // Public: each pack is signed by the clearinghouse, so hosts can check what backs a CAL.
            try Self.json(SignedKeyPacksMessage(packs: try await server.signedKeyPacks()))
        }
        addAdminRoutes(to: router)
        router.get("/crl") { _, _ in Self.bytes(try crl(), type: "application/pkix-crl") }
        router.post("/ocsp") { request, _ in
            var request = request
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/ocsp-request") == true else {
                throw APIError(CALError(.unsupportedMediaType, "send the OCSP request as application/ocsp-request"))
            }
            let body = try await request.collectBody(upTo: bodyLimit)
            return try ocsp(Array(body.readableBytesView))
        }
        router.get("/ocsp/**") { _, context in
            let encoded = context.parameters.getCatchAll().joined(separator: "/")
            let text = encoded.removingPercentEncoding ?? encoded
            guard let bytes = Data(base64Encoded: text) else {
                throw APIError(CALError(.malformed, "the path does not hold a base64 OCSP request"))
            }
            return try ocsp(Array(bytes))
        }
        return router
    }

    /// Operator routes, behind the bearer token: install a pack, revoke, report, list licenses.
    private func addAdminRoutes(to router: Router<ServiceRequestContext>) {
        router.post("/v1/packs") { request, _ in
            try BearerToken.authorize(request, with: adminToken)
            var request = request
            let body = try await request.collectBody(upTo: bodyLimit)
            let content = try await server.installPack(Array(body.readableBytesView))
            return try Self.json(
                ["keyPackID": content.keyPackID, "product": content.product, "licenseType": content.licenseType.rawValue,
                 "count": String(content.count)],
                status: .created
            )
        }
        router.post("/v1/revocations") { request, _ in
            try BearerToken.authorize(request, with: adminToken)
            var request = request
            let body = try await request.collectBody(upTo: bodyLimit)
            struct Revocation: Decodable { let serial: String; let reason: String? }
            guard let revocation = try? JSONDecoder().decode(Revocation.self, from: Data(body.readableBytesView)) else {
                throw APIError(CALError(.malformed, "send {\"serial\": HEX, \"reason\": NAME}"))
            }
            guard let reason = RevocationReason(name: revocation.reason ?? "unspecified") else {
                throw APIError(CALError(.invalidArgument, "unknown reason \(revocation.reason ?? "")"))
            }
            let revoked = try server.revoke(serial: revocation.serial, reason: reason)
            return try Self.json(["serial": revoked.serial, "reason": reason.name, "subject": revoked.subject])
        }
        router.get("/v1/report") { request, _ in
            try BearerToken.authorize(request, with: adminToken)
            return try Self.json(try server.report())
        }
        router.get("/v1/licenses") { request, _ in
            try BearerToken.authorize(request, with: adminToken)
            return try Self.json(try server.issuedLicenses())
        }
    }

    /// The logon flow's decision for one client, as the in-process host would get it.
    private func license(_ body: [UInt8], contentType: String?) async throws -> Response {
        guard contentType?.lowercased().hasPrefix("application/json") == true else {
            throw APIError(CALError(.unsupportedMediaType, "send the license request as application/json"))
        }
        let message: LicenseRequestMessage
        do {
            message = try JSONDecoder().decode(LicenseRequestMessage.self, from: Data(body))
        } catch {
            throw APIError(CALError(.malformed, "the body is not a license request: \(CALError.reason(describing: error))"))
        }
        let licenseRequest = try message.request()
        try Self.admit(licenseRequest.csr.subject.description, by: subjectRequestLimit, "for this device or user")
        let grant = try await server.requestLicense(licenseRequest)
        if case .refused(let refusal) = grant { throw APIError(refusal) }
        return try Self.json(try LicenseGrantMessage(grant))
    }

    /// Renews a permanent license in its renewal window, for the requester's key (JSON `{ "csr": PEM }`).
    private func renew(serial: String, body: [UInt8]) async throws -> Response {
        struct Renewal: Decodable { let csr: String }
        guard let renewal = try? JSONDecoder().decode(Renewal.self, from: Data(body)),
            let csr = try? CertificateSigningRequest(pemEncoded: renewal.csr)
        else {
            throw APIError(CALError(.malformed, "send {\"csr\": PEM} for the license's device or user"))
        }
        try Self.admit(csr.subject.description, by: subjectRequestLimit, "for this device or user")
        let renewed = try server.renew(serial: serial, request: csr)
        return try Self.json(try LicenseGrantMessage(.issued(license: renewed.certificate, chain: [renewed.issuer])))
    }

    private func ocsp(_ bytes: [UInt8]) throws -> Response {
        let response = try server.ocspResponse(to: bytes)
        return Self.bytes(response.derBytes, type: "application/ocsp-response")
    }

    /// The current CRL, made again only when a revocation (or an issuer) changed or it nears its next update.
    private func crl() throws -> [UInt8] {
        let stamp = try server.revocationStamp()
        return try crlCache.value(stamp: stamp, now: Date()) { try server.revocationList().derBytes }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return bytes(Array(try encoder.encode(value)), type: "application/json", status: status)
    }

    static func bytes(_ bytes: [UInt8], type: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
