import ArgumentParser

/// `calkit server audit`: the license server's audit log.
struct ServerAuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List the license server's audit log, or prove it unaltered with --verify.",
        discussion: """
            Every state change (pack installed, license issued, renewed, revoked, transferred, \
            seats reclaimed, policy changed, key rotated) is appended in the transaction that made \
            it, and carries the SHA-256 of the entry before it, so an edited or removed entry \
            breaks the chain. Keep the head hash printed by --verify somewhere else to detect \
            entries removed from the end.
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var audit: AuditOptions

    func run() throws {
        try audit.report(try home.licenseServer().auditLog())
    }
}
