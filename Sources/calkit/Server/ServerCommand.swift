import ArgumentParser

/// `calkit server`: the license server.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "A license server: activation, key packs, issuing client licenses.",
        subcommands: [
            ServerInitCommand.self, InstallCertificateCommand.self, InstallPackCommand.self, IssueCommand.self,
            ServerStatusCommand.self, RevokeCommand.self, CRLCommand.self, OCSPCommand.self, TransferCommand.self, RotateCommand.self, ServeCommand.self, ServerActivateCommand.self,
            ReclaimCommand.self, ReportCommand.self, PolicyCommand.self, ServerAuditCommand.self, AddHostCommand.self, RemoveHostCommand.self,
            HostsCommand.self, ServerBackupCommand.self, ServerRestoreCommand.self, AddNodeCommand.self,
        ]
    )
}
