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

            With --telephone, type the groups the license server's administrator reads out \
            (`calkit server transfer --telephone-request --serial S`), or give them with --code. \
            The license cannot be read out, so the clearinghouse checks the seat (a per-device \
            pack sold here, the seat in it, never transferred) and the license server checks that \
            the serial holds it. The grant is printed as groups to read back.

            """ + TelephoneGroups.sizes([("request", .transferRequest), ("response", .transferResponse)])
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("The CAL whose seat moves (PEM; the first certificate).", valueName: "file")) var license: String?
    @Option(help: ArgumentHelp("Where to write the transfer grant (DER).", valueName: "file")) var out: String?
    @Flag(help: "The telephone method: read the request as groups, print the grant as groups.") var telephone = false
    @Option(help: ArgumentHelp("The request's groups (with --telephone; without it they are typed at a prompt).", valueName: "groups"))
    var code: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        if telephone {
            guard license == nil else { throw ValidationError("--telephone reads the seat as groups: leave out --license") }
        } else {
            guard license != nil, out != nil else { throw ValidationError("give --license FILE and --out FILE, or --telephone") }
            guard code == nil else { throw ValidationError("--code goes with --telephone") }
        }
    }

    func run() throws {
        let clearinghouse = try home.clearinghouse()
        if let out { try SecureFile.checkWritable(out) }
        if telephone {
            let answer = try clearinghouse.authorizeTransfer(telephoneRequest: try TelephoneGroups.read(code, expecting: .transferRequest))
            if let out { try SecureFile.write(answer.signed.signedBytes, to: out) }
            let content = answer.signed.content
            if !json { print("Granted the transfer of seat \(content.seat) of key pack \(content.keyPackID), held by \(SerialNumbers.hex(content.oldSerial))") }
            try TelephoneGroups.print(
                answer.response, heading: "Read back to the caller", json: json,
                fields: ["grantID": content.grantID, "keyPackID": content.keyPackID, "seat": String(content.seat), "oldSerial": SerialNumbers.hex(content.oldSerial)]
            )
            return
        }
        guard let license, let out else { return }
        guard let certificate = try PEMBundle.certificates(at: license).first else {
            throw CALError.malformed(what: license, reason: "no certificate")
        }
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
