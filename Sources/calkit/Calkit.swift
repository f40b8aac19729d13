import ArgumentParser
import CALCore
import Foundation

/// `calkit`: the command-line tool for every CALKit role.
@main
struct Calkit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calkit",
        abstract: "Client access licenses as X.509 certificates: clearinghouse, license server, client.",
        discussion: """
            A clearinghouse activates license servers and sells them key packs; a license server \
            mints per-device and per-user client licenses; clients store and verify them. Each role \
            keeps its keys, certificates and database in a folder given with --home.

            Start with `calkit clearinghouse init --home ch` and follow README.md.
            """,
        subcommands: [
            ClearinghouseCommand.self,
            ServerCommand.self,
            ClientCommand.self,
            HostCommand.self,
            VerifyCommand.self,
            InspectCommand.self,
            KeyCommand.self,
        ]
    )

    /// Runs the command and turns CALKit's errors into `error: <code>: <detail>` (with a hint where there is one) and exit status 1.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CALError {
            Failure.report(error)
        } catch {
            exit(withError: error)
        }
    }
}
