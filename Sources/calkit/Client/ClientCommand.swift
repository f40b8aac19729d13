import ArgumentParser

/// `calkit client`: a client device and its stored licenses.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "A client: its key, license requests, and its local license store.",
        subcommands: [ClientInitCommand.self, RequestCommand.self, ClientInstallCommand.self, ClientVerifyCommand.self, ClientRotateCommand.self]
    )
}
