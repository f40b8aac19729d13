import ArgumentParser
import CALHTTP
import Hummingbird
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

    func validate() throws {
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-certificate and --tls-key go together")
        }
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

    /// Runs `router` until SIGINT or SIGTERM, printing `listening on URL` once bound.
    func serve(_ router: Router<ServiceRequestContext>, on listener: Listener, name: String) async throws {
        let scheme = listener.tls == nil ? "http" : "https"
        let host = listener.address.host
        try await HTTPService.run(router, at: listener.address, tls: listener.tls, name: name) { port in
            // Written straight to the descriptor, so scripts and tests see it at once.
            FileHandle.standardOutput.write(Data("listening on \(scheme)://\(host):\(port)\n".utf8))
        }
    }
}
