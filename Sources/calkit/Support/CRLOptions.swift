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
        try SecureFile.write(der ? crl.derBytes : crl.pemBytes, to: out)
        if json {
            Output.json(
                CRLSummary(
                    file: out, number: crl.numberValue, delta: crl.isDelta, baseNumber: crl.baseNumberValue, entries: crl.entryCount,
                    thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, freshestCRL: crl.freshestCRL
                )
            )
        } else {
            if let base = crl.baseNumberValue {
                print("Wrote delta CRL number \(crl.numberValue) (on complete CRL \(base)) with \(crl.entryCount) \(what) revoked since, to \(out)")
            } else {
                print("Wrote CRL number \(crl.numberValue) with \(crl.entryCount) revoked \(what) to \(out)")
            }
            if let nextUpdate = crl.nextUpdate { print("next update due \(Output.date(nextUpdate))") }
            if let freshest = crl.freshestCRL { print("delta CRLs at \(freshest)") }
        }
    }
}
