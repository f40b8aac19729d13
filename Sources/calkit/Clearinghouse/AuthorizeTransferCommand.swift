import ArgumentParser
import CALClearinghouse
import CALCore

/// `calkit clearinghouse authorize-transfer`: grants the once-only move of a CAL's seat.
struct AuthorizeTransferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authorize-transfer",
        abstract: "Grant the once-only transfer of a permanent per-device CAL's seat to another device.",
        discussion: """
            The seat (key pack and seat number) goes into the transfer ledger; a second grant for \
            the same seat, from this CAL or any later CAL of the seat, is refused. Give the grant \
            to the license server: `calkit server transfer --grant FILE --request NEW.csr`.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("The CAL whose seat moves (PEM; the first certificate).", valueName: "file")) var license: String
    @Option(help: ArgumentHelp("Where to write the transfer grant (DER).", valueName: "file")) var out: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let clearinghouse = try home.clearinghouse()
        guard let certificate = try PEMBundle.certificates(at: license).first else {
            throw CALError.malformed(what: license, reason: "no certificate")
        }
        try SecureFile.checkWritable(out)
        let grant = try clearinghouse.authorizeTransfer(of: certificate)
        try SecureFile.write(grant.signedBytes, to: out)
        let content = grant.content
        if json {
            Output.json([
                "grant": out, "grantID": content.grantID, "licenseServerID": content.licenseServerID,
                "oldSerial": SerialNumbers.hex(content.oldSerial), "keyPackID": content.keyPackID, "seat": String(content.seat),
            ])
        } else {
            print("Granted the transfer of seat \(content.seat) of key pack \(content.keyPackID), held by \(SerialNumbers.hex(content.oldSerial))")
            print("grant: \(out)")
        }
    }
}
