import ArgumentParser
import CALCore
import CALService
import Foundation

/// `calkit server serve`: the license server as an HTTP service.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the license server as an HTTP service: license requests, status, chain, CRL and OCSP.",
        discussion: """
            Listens on 127.0.0.1:8750 by default. Routes: POST /v1/licenses (JSON: csr, mode, \
            product, presented) runs the logon flow for a session host; GET /v1/status (JSON), \
            GET /v1/chain (PEM), GET /crl (DER, application/pkix-crl; made again only when a \
            revocation changed), POST /ocsp (application/ocsp-request) and GET /ocsp/BASE64 \
            (RFC 6960). Errors are JSON {"error": CODE, "message": ...}. License requests and \
            renewals need an enrolled host's credential (`calkit server add-host`; \
            Authorization: Bearer CREDENTIAL; 401 without) unless --open-requests is given; they \
            are limited per host (or per client network when open: --rate-limit, default 60/min) \
            and per device or user (--subject-rate-limit, default 10/min); 429 beyond. SIGINT or \
            SIGTERM stops it after the requests in flight; one log line per request on standard error. \
            Connections are bounded (--max-connections, --idle-timeout) and a request body must \
            arrive within 10 s (408 otherwise).

            With --admin-token-file, the operator routes take `Authorization: Bearer TOKEN`: \
            POST /v1/packs (a signed key pack, DER), POST /v1/revocations ({"serial", "reason"}), \
            GET /v1/report, GET /v1/licenses; and the administrator's page opens at /admin (sign \
            in with the token): seat use and per-user use as charts, the revocation quota, \
            license search and revocation after a confirmation, hosts, the verified audit trail. \
            Its session cookie is Secure: browse it over https, or on this machine (loopback).

            With --tls-certificate and --tls-key it serves https only (TLS 1.2 or later); hosts \
            trusting a private CA name it with `host init --tls-trust`.

            Example: calkit server serve --home ls
              openssl ocsp -url http://127.0.0.1:8750/ocsp -issuer server.pem -cert cal.pem -CAfile root.pem
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var service: ServiceOptions
    @Option(help: ArgumentHelp("A file whose first line is the operator's bearer token (16+ characters); without it the admin routes are off.", valueName: "file"))
    var adminTokenFile: String?
    @Option(help: ArgumentHelp("The base URL relying parties reach this service at; licenses issued from now on name BASE/crl and BASE/ocsp in their CRL distribution point and OCSP access extensions.", valueName: "url"))
    var publicURL: String?
    @Flag(help: "Answer license requests without a host credential too (rate-limited per client network, /24 or /64).")
    var openRequests = false
    @Option(help: ArgumentHelp("License requests allowed per device or user: N/s, N/min or N/h.", valueName: "rate"))
    var subjectRateLimit = "10/min"

    func run() async throws {
        // Everything given is checked before --public-url changes the stored setting.
        let listener = try service.listener(defaultPort: 8750)
        let token = try adminTokenFile.map(BearerToken.init(file:))
        let limiter = try service.limiter(default: "60/min")
        if let publicURL { try home.servedLicenseServer().setPublicURL(publicURL) }
        // Opened after the URL is stored: licenses name it from the first request on.
        let server = try home.servedLicenseServer()
        // Held while serving: the ledger is not restored under a running service.
        let lock = try HomeLock(home: server.home.path, exclusive: false)
        defer { withExtendedLifetime(lock) {} }
        let api = LicenseServerService(
            server: server, adminToken: token, licenseRequestLimit: limiter,
            subjectRequestLimit: try RateLimiter(subjectRateLimit), openRequests: openRequests
        )
        try await service.serve(api, on: listener, name: "calkit-license-server")
    }
}
