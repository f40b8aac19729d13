import ArgumentParser

/// `calkit clearinghouse`: the vendor's root of trust.
struct ClearinghouseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clearinghouse",
        abstract: "The vendor's clearinghouse: root CA, server activation, key packs.",
        subcommands: [
            ClearinghouseInitCommand.self, ActivateCommand.self, ActivationCodeCommand.self, PackCodeCommand.self, IssuePackCommand.self, RevokeServerCommand.self,
            ClearinghouseCRLCommand.self, AuthorizeTransferCommand.self, ClearinghouseAuditCommand.self, ClearinghouseRotateCommand.self, ClearinghouseServeCommand.self,
            ClearinghouseBackupCommand.self, ClearinghouseRestoreCommand.self, ReissuePackCommand.self, TransferApplicationsCommand.self,
        ]
    )
}
