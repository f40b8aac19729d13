import CALCore
import CALLicenseServer
import CALWire
import Hummingbird

/// `/v1/licenses`: the logon flow's decision for one client (`POST`, for enrolled hosts),
/// renewals in the last days of a permanent license, and every license issued (`GET`, admin).
struct LicenseController: Sendable {
    let server: LicenseServer
    let adminToken: BearerToken?
    /// License requests per enrolled host (or, with open requests, per client network).
    let hostLimit: RateLimiter
    /// License requests per device or user named in the request.
    let subjectLimit: RateLimiter
    let openRequests: Bool
    let bodyLimit: Int

    func add(to routes: ServiceRoutes) {
        routes.add(.post, WirePath.licenses) { request, context in
            try Self.admit(try caller(of: request, context: context), by: hostLimit, "from this host")
            var request = request
            let message = try await request.decode(LicenseRequestMessage.self, upTo: bodyLimit, what: "the license request")
            let licenseRequest = try message.request()
            try Self.admit(licenseRequest.csr.subject.description, by: subjectLimit, "for this device or user")
            let grant = try await LedgerWork.run { try server.grantLicense(licenseRequest) }
            if case .refused(let refusal) = grant { throw refusal }
            return try .json(try LicenseGrantMessage(grant))
        }
        routes.add(.post, WirePath.renewal) { request, context in
            try Self.admit(try caller(of: request, context: context), by: hostLimit, "from this host")
            var request = request
            let csr = try await request.decode(RenewalMessage.self, upTo: bodyLimit, what: "the renewal request").request()
            try Self.admit(csr.subject.description, by: subjectLimit, "for this device or user")
            let serial = context.parameters.get("serial") ?? ""
            let renewed = try await LedgerWork.run { try server.renew(serial: serial, request: csr) }
            return try .json(try LicenseGrantMessage(.issued(license: renewed.certificate, chain: [renewed.issuer])))
        }
        routes.add(.get, WirePath.licenses) { request, _ in
            try BearerToken.authorize(request, with: adminToken)
            return try .json(try server.issuedLicenses())
        }
    }

    /// Who is asking for a license, as a rate-limit key: the enrolled host its credential names,
    /// or (with open requests, and no credential sent) its network. `unauthorized` for a request
    /// without a valid credential when requests are not open.
    private func caller(of request: Request, context: ServiceRequestContext) throws -> String {
        guard let header = request.headers[.authorization] else {
            guard openRequests else {
                throw CALError(.unauthorized, "license requests need an enrolled host's credential (Authorization: Bearer CREDENTIAL)")
            }
            return "network " + context.clientKey
        }
        guard header.hasPrefix("Bearer ") else {
            throw CALError(.unauthorized, "send the host credential as Authorization: Bearer CREDENTIAL")
        }
        return "host " + (try server.authenticateHost(credential: String(header.dropFirst("Bearer ".count)))).hostID
    }

    /// `rate-limited` when `limiter` has no token left for `key`.
    private static func admit(_ key: String, by limiter: RateLimiter, _ what: String) throws {
        if let wait = limiter.take(for: key) {
            throw CALError(.rateLimited, "too many license requests \(what); try again in \(Int(wait.rounded(.up))) s")
        }
    }
}
