import ArgumentParser
import CALClient
import CALCore

/// `calkit client request`: a CSR for a license, signed by the client key.
struct RequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request",
        abstract: "Write a license request (CSR) signed by the client key.",
        discussion: "The request names this device, or with --user a user principal, and proves the client holds its key."
    )

    @OptionGroup var home: HomeOption
    @Option(help: "Ask for a per-user license for this user principal (alice@example.com).") var user: String?
    @Option(help: ArgumentHelp("Where to write the request (PEM).", valueName: "file")) var out: String

    func run() throws {
        let client = try home.client()
        let request = try client.request(user: user)
        try SecureFile.write(try request.serializeAsPEM().pemString.fileBytes, to: out)
        print("Wrote a license request for \(user.map { "user \($0)" } ?? "device \(client.deviceID)") to \(out)")
    }
}
