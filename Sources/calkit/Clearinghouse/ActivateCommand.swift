import ArgumentParser
import CALClearinghouse
import CALCore

/// `calkit clearinghouse activate`: signs a license server's activation request.
struct ActivateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activate",
        abstract: "Activate a license server: check its request and issue its certificate.",
        discussion: """
            Reads the activation request a license server wrote (`calkit server init`), checks its \
            signature and profile, issues the license-server certificate (CA, pathLen 0) and writes \
            the chain — server certificate, then root — for `calkit server install-certificate`.

            A server id is activated once. After that, only a re-key request from \
            `calkit server rotate` is accepted (a reactivation): it must be signed over by the \
            server's current key. When it says the current key is compromised, the current \
            certificate is revoked (keyCompromise) in the same step; publish the root CRL \
            (`calkit clearinghouse crl`) so verifiers refuse licenses chained to it.

            With --telephone, type the groups the server's administrator reads out \
            (`calkit server activate --telephone` prints them), or give them with --code; a \
            group that does not check is named by its number. The response is printed as \
            groups to read back, for `calkit server activate --telephone-response`. A \
            certificate activated this way names the server by its id.

            """ + TelephoneGroups.sizes([("request", .activationRequest), ("response", .activationResponse)])
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("The activation request (PEM CSR).", valueName: "file")) var request: String?
    @Option(help: ArgumentHelp("Where to write the chain (PEM).", valueName: "file")) var out: String?
    @Option(help: "Lifetime of the license-server certificate in days.") var days = LicenseServerProfile.defaultDays
    @Flag(help: "The telephone method: read the request as groups, print the response as groups.") var telephone = false
    @Option(help: ArgumentHelp("The request's groups (with --telephone; without it they are typed at a prompt).", valueName: "groups"))
    var code: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        if telephone {
            guard request == nil else { throw ValidationError("--telephone reads the request as groups: leave out --request") }
        } else {
            guard request != nil, out != nil else { throw ValidationError("give --request FILE and --out FILE, or --telephone") }
            guard code == nil else { throw ValidationError("--code goes with --telephone") }
        }
    }

    func run() throws {
        let clearinghouse = try home.clearinghouse()
        if telephone { return try runTelephone(clearinghouse) }
        guard let request, let out else { return }
        try SecureFile.checkWritable(out)
        let csr = try PEMBundle.request(at: request)
        let continuity = try LicenseServerProfile.checkActivationRequest(csr).continuity
        let chain = try clearinghouse.activate(csr, days: days)
        try SecureFile.write(try PEMBundle.pem(of: chain).fileBytes, to: out)
        let certificate = chain[0]
        let serverID = LicenseServerProfile.serverID(of: certificate) ?? ""
        if json {
            Output.json(
                [
                    "chain": out, "serverID": serverID, "serial": SerialNumbers.hex(certificate.serialNumber),
                    "notAfter": Output.date(certificate.notValidAfter),
                    "reactivation": continuity == nil ? "false" : "true",
                    "previousCertificateRevoked": continuity?.compromised == true ? "true" : "false",
                ]
            )
        } else {
            let verb = continuity == nil ? "Activated" : "Reactivated (new key)"
            print("\(verb) license server \(serverID) until \(Output.date(certificate.notValidAfter))")
            if continuity?.compromised == true {
                print("the previous certificate is revoked (keyCompromise); publish the root CRL with `calkit clearinghouse crl`")
            }
            print("chain: \(out)")
        }
    }

    private func runTelephone(_ clearinghouse: Clearinghouse) throws {
        if let out { try SecureFile.checkWritable(out) }
        let answer = try clearinghouse.activate(telephoneRequest: try TelephoneGroups.read(code, expecting: .activationRequest), days: days)
        if let out { try SecureFile.write(try PEMBundle.pem(of: answer.signed).fileBytes, to: out) }
        let certificate = answer.signed[0]
        let serverID = LicenseServerProfile.serverID(of: certificate) ?? ""
        if !json { print("Activated license server \(CALIdentifier.grouped(serverID)) until \(Output.date(certificate.notValidAfter))") }
        try TelephoneGroups.print(
            answer.response, heading: "Read back to the caller", json: json,
            fields: ["serverID": serverID, "notAfter": Output.date(certificate.notValidAfter)]
        )
    }
}
