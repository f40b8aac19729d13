import ArgumentParser
import CALClearinghouse
import CALCore
import CALLicensing

/// `calkit clearinghouse reissue-pack`: the same key pack again, for a license server whose ledger was lost.
struct ReissuePackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reissue-pack",
        abstract: "Reissue a key pack the clearinghouse sold, for a license server whose ledger was lost and rebuilt.",
        discussion: """
            A license server installs only packs issued after its ledger (calkit.sqlite) was created, \
            so a ledger that was deleted and made again, or a copied home without its database, does \
            not get the same seats a second time from the old pack files. When a ledger really was \
            lost and no backup can be restored (`calkit server restore`), the clearinghouse operator \
            reissues each pack for the server's new ledger (its id from `calkit server status`): same \
            pack id, seats, product and agreement, issued now, installable into that ledger only. A \
            server that still holds the pack refuses the reissue (pack-already-installed). Each pack is reissued \
            at most \(LicensingTerms.packReissueLimit) times; every reissue is in the audit log.
              calkit clearinghouse reissue-pack --home ch --pack-id ID \\
                --server-certificate ls/server-chain.pem --ledger-id LEDGER --out reissued.keypack
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("The id of the key pack to reissue (calkit inspect PACK, or the server's status).", valueName: "id"))
    var packID: String
    @Option(help: ArgumentHelp("The license server's current certificate or chain (PEM; first certificate is used).", valueName: "file"))
    var serverCertificate: String
    @Option(help: ArgumentHelp("The id of the server's new ledger, as `calkit server status` prints it: the reissue installs there only.", valueName: "id"))
    var ledgerID: String
    @Option(help: ArgumentHelp("Where to write the reissued key pack (DER).", valueName: "file")) var out: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let clearinghouse = try home.clearinghouse()
        try SecureFile.checkWritable(out)
        let pack = try clearinghouse.reissuePack(
            packID: packID, serverCertificate: try PackSummary.serverCertificate(at: serverCertificate), ledgerID: ledgerID
        )
        try PackSummary.write(pack, to: out, verb: "Reissued", json: json)
    }
}
