import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server remove-host`: withdraws an enrolled host's credential.
struct RemoveHostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-host",
        abstract: "Withdraw an enrolled host's credential: its next license request is refused (401).",
        discussion: "Takes effect at once, also for a running `calkit server serve`."
    )

    @OptionGroup var home: HomeOption
    @Option(help: "The host's name, as `calkit server hosts` lists it.") var name: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let removed = try home.licenseServer().removeHost(name: name)
        if json {
            Output.json(removed)
        } else {
            print("Removed host \(removed.name) (id \(removed.hostID)); its credential is no longer accepted")
        }
    }
}
