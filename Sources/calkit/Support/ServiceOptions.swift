import ArgumentParser
import CALHTTP
import Hummingbird
import Foundation

/// `--listen` and `--rate-limit` of the `serve` verbs, and running the service they describe.
struct ServiceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Address and port to listen on (loopback by default; port 0: any free port).", valueName: "host:port"))
    var listen: String?
    @Option(help: ArgumentHelp("Requests allowed per client address on the rate-limited routes: N/s, N/min or N/h.", valueName: "rate"))
    var rateLimit: String?

    /// The rate limiter, with `fallback` when --rate-limit is not given.
    func limiter(default fallback: String) throws -> RateLimiter { try RateLimiter(rateLimit ?? fallback) }

    /// Runs `router` until SIGINT or SIGTERM, printing `listening on URL` once bound.
    func serve(_ router: Router<ServiceRequestContext>, name: String, defaultPort: Int) async throws {
        let address = try ListenAddress(listen ?? "127.0.0.1:\(defaultPort)")
        try await HTTPService.run(router, at: address, name: name) { port in
            // Written straight to the descriptor, so scripts and tests see it at once.
            FileHandle.standardOutput.write(Data("listening on http://\(address.host):\(port)\n".utf8))
        }
    }
}
