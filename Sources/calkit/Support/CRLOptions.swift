import ArgumentParser
import CALCore
import Foundation

/// The options and output of the commands that publish a CRL (`server crl`, `clearinghouse crl`).
struct CRLOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Where to write the CRL.", valueName: "file")) var out: String
    @Option(help: "Hours until the next update.") var nextUpdate = 24
    @Flag(help: "Write DER instead of PEM.") var der = false
    @Flag(help: "Print the result as JSON.") var json = false

    /// Writes `crl` where --out says, in the form asked, and reports it.
    func publish(_ crl: CertificateRevocationList, what: String) throws {
        try SecureFile.write(der ? crl.derBytes : Array(crl.pemString.utf8), to: out)
        let number = crl.number.map { $0.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } } ?? 0
        if json {
            Output.json(CRLSummary(file: out, number: number, entries: crl.entries.count, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate))
        } else {
            print("Wrote CRL number \(number) with \(crl.entries.count) revoked \(what) to \(out)")
            if let nextUpdate = crl.nextUpdate { print("next update due \(Output.date(nextUpdate))") }
        }
    }
}
