import ArgumentParser
import CALCore
import CALService

/// `calkit clearinghouse serve`: the clearinghouse as an HTTP service.
struct ClearinghouseServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the clearinghouse as an HTTP service: automatic activation, key packs, transfers, the root CRL.",
        discussion: """
            Listens on 127.0.0.1:8760 by default. POST /v1/activations takes a license server's \
            activation request (PEM) and answers its chain (PEM): the automatic method, used by \
            `calkit server activate --clearinghouse URL --activation-code CODE`. A first activation \
            needs a one-time code (`calkit clearinghouse activation-code`) in the \
            CALKit-Activation-Code header, unless the service runs with --open-activation; a \
            re-key proves itself with the current key. Limited per client address \
            (--rate-limit, default 10/min). GET /crl serves the root's CRL (DER). Connections are \
            bounded (--max-connections, --idle-timeout); a request body must arrive within 10 s.

            With --operator-token-file, `Authorization: Bearer TOKEN` opens POST /v1/packs \
            (JSON: serverCertificate, licenseType, count, product, productVersion, agreement; \
            answers the signed pack, DER) and POST /v1/transfers (a license, PEM; answers the \
            grant, DER).

            The web browser method's pages are under / (no JavaScript needed): /activate (the \
            activation request pasted or uploaded, with an activation code; the chain to \
            download), /buy (the license-server id, a code from `calkit clearinghouse pack-code` \
            and the order; the key pack to download) and /transfer (a license; the grant to \
            download once approved). The operator decides transfers at /operator, signed in with \
            the operator token (or with `calkit clearinghouse transfer-applications`). Form posts \
            count against --rate-limit like activations. Session cookies are Secure: browse over \
            https, or on this machine (loopback).

            With --tls-certificate and --tls-key it serves https only (TLS 1.2 or later); clients \
            trusting a private CA name it with --tls-trust.
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var service: ServiceOptions
    @Option(help: ArgumentHelp("A file whose first line is the operator's bearer token (16+ characters); without it packs and transfers are off.", valueName: "file"))
    var operatorTokenFile: String?
    @Flag(help: "Let anyone who reaches the service activate a license server, without a one-time activation code.")
    var openActivation = false

    func run() async throws {
        let listener = try service.listener(defaultPort: 8760)
        let token = try operatorTokenFile.map(BearerToken.init(file:))
        let clearinghouse = try home.servedClearinghouse()
        // Held while serving: the ledger is not restored under a running service.
        let lock = try HomeLock(home: clearinghouse.home.path, exclusive: false)
        defer { withExtendedLifetime(lock) {} }
        let api = ClearinghouseService(clearinghouse: clearinghouse, operatorToken: token, activationLimit: try service.limiter(default: "10/min"),
            openActivation: openActivation
        )
        try await service.serve(api, on: listener, name: "calkit-clearinghouse")
    }
}
