import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server hosts`: the enrolled hosts.
struct HostsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hosts",
        abstract: "List the session hosts enrolled with this license server, removed ones included."
    )

    @OptionGroup var home: HomeOption
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let hosts = try home.licenseServer().enrolledHosts()
        if json {
            Output.json(hosts)
        } else if hosts.isEmpty {
            print("no hosts enrolled")
        } else {
            for host in hosts {
                let state = host.removedAt.map { "removed \(Output.date($0))" } ?? "enrolled"
                print("\(host.hostID)  \(host.name)  since \(Output.date(host.enrolledAt))  \(state)")
            }
        }
    }
}
