import ArgumentParser

/// `calkit clearinghouse audit`: the clearinghouse's audit log.
struct ClearinghouseAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List the clearinghouse's audit log, or prove it unaltered with --verify.",
        discussion: """
            Every state change (activation, reactivation, pack sold, server revoked, transfer \
            authorised, root rotated) is appended in the transaction that made it, and carries \
            the SHA-256 of the entry before it, so an edited or removed entry breaks the chain; \
            --verify also checks the log against the ledger's rows. Keep a head signed with \
            --head elsewhere, and --verify --expect-head FILE proves no entry was cut since.
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var audit: AuditOptions

    func run() async throws {
        try await audit.run(on: try home.clearinghouse())
    }
}
