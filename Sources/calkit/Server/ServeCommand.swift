import ArgumentParser
import CALCore
import CALHTTP
import Foundation

/// `calkit server serve`: the license server as an HTTP service.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the license server as an HTTP service: status, chain, CRL and OCSP.",
        discussion: """
            Listens on loopback by default. Routes: GET /v1/status (JSON), GET /v1/chain (PEM), \
            GET /crl (DER, application/pkix-crl; made again only when a revocation changed), \
            POST /ocsp (application/ocsp-request) and GET /ocsp/BASE64 (RFC 6960). Errors are \
            JSON {"error": CODE, "message": ...}. SIGINT or SIGTERM stops it after the requests \
            in flight. One log line per request on standard error.

            POST /v1/licenses (JSON: csr, mode, product, presented) runs the logon flow for a \
            session host. With --admin-token-file, the operator routes take \
            `Authorization: Bearer TOKEN`: POST /v1/packs (a signed key pack, DER), POST \
            /v1/revocations ({"serial", "reason"}), GET /v1/report, GET /v1/licenses. License \
            requests are limited per client address (--rate-limit, 429 beyond it).

            Example: calkit server serve --home ls --listen 127.0.0.1:8750
              openssl ocsp -url http://127.0.0.1:8750/ocsp -issuer ls/server-chain.pem -cert cal.pem -CAfile root.pem
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("Address and port to listen on (port 0: any free port).", valueName: "host:port"))
    var listen = "127.0.0.1:8750"
    @Option(help: ArgumentHelp("A file whose first line is the operator's bearer token (16+ characters); without it the admin routes are off.", valueName: "file"))
    var adminTokenFile: String?
    @Option(help: ArgumentHelp("License requests allowed per client address: N/s, N/min or N/h.", valueName: "rate"))
    var rateLimit = "60/min"

    func run() async throws {
        let address = try ListenAddress(listen)
        let token = try adminTokenFile.map(BearerToken.init(file:))
        let limiter = try RateLimiter(rateLimit)
        let api = LicenseServerAPI(server: try home.licenseServer(), adminToken: token, licenseRequestLimit: limiter)
        try await HTTPService.run(api.router(), at: address, name: "calkit-license-server") { port in
            // Written straight to the descriptor, so scripts and tests see it at once.
            FileHandle.standardOutput.write(Data("listening on http://\(address.host):\(port)\n".utf8))
        }
    }
}
