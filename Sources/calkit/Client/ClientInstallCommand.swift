import ArgumentParser
import CALClient
import CALCore

/// `calkit client install`: stores a license in the client's store.
struct ClientInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Store a license in this client's license store.",
        discussion: "Refuses a file that is not a client license or a license for another key."
    )

    @OptionGroup var home: HomeOption
    @Argument(help: ArgumentHelp("The license file from `calkit server issue`.", valueName: "file")) var file: String

    func run() throws {
        let client = try home.client()
        try client.observe(try home.time().now)
        let entry = try client.store.install(try PEMBundle.certificates(at: file))
        print("Stored license \(SerialNumbers.hex(entry.license.serialNumber)) in \(entry.path)")
    }
}
