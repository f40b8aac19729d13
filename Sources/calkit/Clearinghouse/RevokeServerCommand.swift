import ArgumentParser
import CALClearinghouse
import CALCore

/// `calkit clearinghouse revoke-server`: revokes a license-server certificate.
struct RevokeServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke-server",
        abstract: "Revoke a license-server certificate this clearinghouse issued.",
        discussion: "Publish the change with `calkit clearinghouse crl`."
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("The license-server certificate or chain (PEM; the first certificate).", valueName: "file"))
    var certificate: String
    @Option(help: ArgumentHelp("Why: \(RevocationReason.allCases.map(\.name).joined(separator: ", ")).", valueName: "reason"))
    var reason: RevocationReason
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let clearinghouse = try home.clearinghouse()
        guard let server = try PEMBundle.certificates(at: certificate).first else {
            throw CALError.malformed(what: certificate, reason: "no certificate")
        }
        let record = try clearinghouse.revokeServer(server, reason: reason)
        if json {
            Output.json(["serverID": record.serverID, "serial": record.certificateSerial, "reason": reason.name])
        } else {
            print("Revoked the certificate \(record.certificateSerial) of license server \(record.serverID) (\(reason.name))")
        }
    }
}
