import ArgumentParser
import CALService
import Foundation

/// `--listen`, `--rate-limit` and `--tls-certificate`/`--tls-key` of the `serve` verbs, and
/// running the service they describe.
struct ServiceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Address and port to listen on (loopback by default; port 0: any free port).", valueName: "host:port"))
    var listen: String?
    @Option(help: ArgumentHelp("Requests allowed per client address on the rate-limited routes: N/s, N/min or N/h.", valueName: "rate"))
    var rateLimit: String?
    @Option(help: ArgumentHelp("Serve https with this certificate chain (PEM, the service's certificate first); needs --tls-key.", valueName: "file"))
    var tlsCertificate: String?
    @Option(help: ArgumentHelp("The private key of --tls-certificate (PEM, unencrypted, readable only by the service).", valueName: "file"))
    var tlsKey: String?
    @Option(
        help: ArgumentHelp(
            "Close a connection that sends no request head for this many seconds (after it opens or after an answer): idle keep-alive, or headers sent too slowly.",
            valueName: "seconds"
        )
    )
    var idleTimeout = HTTPService.ConnectionLimits.standard.idleTimeout
    @Option(
        help: ArgumentHelp(
            "The most connections open at once; past it the longest-idle connection is closed to make room (or the new one, when all are busy). Keep it below the open-files limit (ulimit -n).",
            valueName: "count"
        )
    )
    var maxConnections = HTTPService.ConnectionLimits.standard.maximumConnections

    func validate() throws {
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-certificate and --tls-key go together")
        }
        guard (1...3600).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be 1 to 3600 seconds") }
        guard (1...1_000_000).contains(maxConnections) else { throw ValidationError("--max-connections must be 1 to 1000000") }
    }

    /// The rate limiter, with `fallback` when --rate-limit is not given.
    func limiter(default fallback: String) throws -> RateLimiter { try RateLimiter(rateLimit ?? fallback) }

    /// Where and how to listen, read and checked before the command changes anything.
    struct Listener {
        let address: ListenAddress
        let tls: TLSIdentity?
    }

    /// Parses --listen (default `127.0.0.1:defaultPort`) and loads the TLS certificate and key.
    func listener(defaultPort: Int) throws -> Listener {
        let address = try ListenAddress(listen ?? "127.0.0.1:\(defaultPort)")
        guard let tlsCertificate, let tlsKey else { return Listener(address: address, tls: nil) }
        let tls = try TLSIdentity(certificateFile: tlsCertificate, keyFile: tlsKey)
        if let mode = (try? FileManager.default.attributesOfItem(atPath: tlsKey))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            FileHandle.standardError.write(Data("warning: \(tlsKey) can be read by other users; chmod 600 it\n".utf8))
        }
        return Listener(address: address, tls: tls)
    }

    /// Runs `service` until SIGINT or SIGTERM, printing `listening on URL` once bound.
    func serve(_ service: some RoutedService, on listener: Listener, name: String) async throws {
        let scheme = listener.tls == nil ? "http" : "https"
        let host = listener.address.host
        let limits = HTTPService.ConnectionLimits(idleTimeout: idleTimeout, maximumConnections: maxConnections)
        try await HTTPService.run(service, at: listener.address, tls: listener.tls, limits: limits, name: name) { port in
            // Written straight to the descriptor, so scripts and tests see it at once.
            FileHandle.standardOutput.write(Data("listening on \(scheme)://\(host):\(port)\n".utf8))
        }
    }
}
