import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server policy`: shows or changes the server's licensing policy.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show or change the licensing policy (strict per-user licensing).",
        discussion: """
            Per-user CALs are tracked, not decremented. With --enforce-per-user on, the server stops \
            issuing per-user licenses to new users once as many users hold one as were purchased.
            """
    )

    enum Switch: String, ExpressibleByArgument, CaseIterable { case on, off }

    @OptionGroup var home: HomeOption
    @Option(help: "Turn strict per-user licensing on or off.") var enforcePerUser: Switch?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let server = try home.licenseServer()
        if let enforcePerUser { try server.setEnforcesPerUserLimit(enforcePerUser == .on) }
        let enforced = try server.enforcesPerUserLimit()
        if json {
            Output.json(["enforcePerUser": enforced])
        } else {
            print("strict per-user licensing: \(enforced ? "on" : "off")")
        }
    }
}
