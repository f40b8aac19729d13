import ArgumentParser
import CALCore
import CALLicensing
import CALLicenseServer

extension RevocationReason: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

/// `calkit server revoke`: revokes a license this server issued.
struct RevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a client license; a permanent per-device CAL's seat returns to its pack.",
        discussion: """
            Administrative revocation of permanent per-device CALs is limited to \(LicensingTerms.revocationQuotaPercent) % of a product \
            version's installed per-device CALs (at least one) among revoked CALs that have not yet \
            expired; there is no --force. Publish the change with `calkit server crl`.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: "The license's serial number in hex, as `calkit inspect` prints it.") var serial: String
    @Option(help: ArgumentHelp("Why: \(RevocationReason.allCases.map(\.name).joined(separator: ", ")).", valueName: "reason"))
    var reason: RevocationReason
    @Option(help: ArgumentHelp("The revocation time to record (ISO 8601); default now.", valueName: "time")) var at: Instant?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let server = try home.licenseServer()
        let license = try server.revoke(serial: serial, reason: reason, at: at?.date)
        if json {
            Output.json(["serial": license.serial, "reason": reason.name, "subject": license.subject, "seatReturned": license.seat != nil ? "yes" : "no"])
        } else {
            print("Revoked \(license.status) \(license.licenseType) license \(license.serial) of \(license.subject) (\(reason.name))")
            if let seat = license.seat { print("seat \(seat) of key pack \(license.keyPackID ?? "") is free again") }
        }
    }
}
