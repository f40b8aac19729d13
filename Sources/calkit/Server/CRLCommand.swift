import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server crl`: publishes the server's certificate revocation list.
struct CRLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crl",
        abstract: "Write the server's CRL: every revoked license that has not yet expired, signed by the server key.",
        discussion: "Each CRL gets the next CRL number. Relying parties treat a CRL as stale after its next update."
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("Where to write the CRL.", valueName: "file")) var out: String
    @Option(help: "Hours until the next update.") var nextUpdate = 24
    @Flag(help: "Write DER instead of PEM.") var der = false
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let server = try LicenseServer(home: home.home)
        try SecureFile.checkWritable(out)
        let crl = try server.revocationList(nextUpdateHours: nextUpdate)
        try SecureFile.write(der ? crl.derBytes : Array(crl.pemString.utf8), to: out)
        let number = crl.number.map { $0.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } } ?? 0
        if json {
            Output.json(CRLSummary(file: out, number: number, entries: crl.entries.count, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate))
        } else {
            print("Wrote CRL number \(number) with \(crl.entries.count) revoked license(s) to \(out)")
            if let nextUpdate = crl.nextUpdate { print("next update due \(Output.date(nextUpdate))") }
        }
    }
}
