import ArgumentParser

/// `calkit host`: a session host running the logon flow.
struct HostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host",
        abstract: "A session host: licensing mode, grace period, and the logon flow.",
        subcommands: [HostInitCommand.self, SetLicenseServerCommand.self, InstallCRLCommand.self, SetModeCommand.self, LogonCommand.self, HostStatusCommand.self]
    )
}
