import ArgumentParser

/// `calkit clearinghouse audit`: the clearinghouse's audit log.
struct ClearinghouseAuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List the clearinghouse's audit log, or prove it unaltered with --verify.",
        discussion: """
            Every state change (activation, reactivation, pack sold, server revoked, transfer \
            authorised, root rotated) is appended in the transaction that made it, and carries \
            the SHA-256 of the entry before it, so an edited or removed entry breaks the chain.
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var audit: AuditOptions

    func run() throws {
        try audit.report(try home.clearinghouse().auditLog())
    }
}
