import ArgumentParser

/// `calkit server audit`: the license server's audit log.
struct ServerAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List the license server's audit log, or prove it unaltered with --verify.",
        discussion: """
            Every state change (pack installed, license issued, renewed, revoked, transferred, \
            seats reclaimed, policy changed, key rotated) is appended in the transaction that made \
            it, and carries the SHA-256 of the entry before it, so an edited or removed entry \
            breaks the chain; --verify also checks the log against the ledger's rows. To prove \
            later that no entry was cut from the end, keep a signed head somewhere else:
              calkit server audit --home ls --head > head.pem
              calkit server audit --home ls --verify --expect-head head.pem
            (`openssl cms -verify -noverify -inform PEM -in head.pem` shows what it says.)
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var audit: AuditOptions

    func run() async throws {
        try await audit.run(on: try home.licenseServer())
    }
}
