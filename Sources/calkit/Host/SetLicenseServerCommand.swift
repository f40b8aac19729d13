import ArgumentParser
import CALHost

/// `calkit host set-license-server`: binds (or re-binds) a host to its license server.
struct SetLicenseServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-license-server",
        abstract: "Bind the host to a license server: its home folder, or its URL with the root to trust.",
        discussion: """
            From then on the host asks that server for licenses and accepts licenses of its server \
            id alone. Over plain http --trust ROOT is required. A host bound before is re-bound; \
            the CRLs and key packs it kept of the previous server are dropped.
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var server: LicenseServerOptions

    func validate() throws {
        guard server.isGiven else { throw ValidationError("give --license-server-home DIR or --license-server URL") }
    }

    func run() async throws {
        let host = try home.sessionHost()
        guard let binding = try await server.binding(home: home) else { return }
        try host.bind(binding)
        print("Bound to license server \(binding.serverIDs.joined(separator: ", ")) at \(binding.location)")
    }
}
