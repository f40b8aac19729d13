import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server crl`: publishes the server's certificate revocation list.
struct CRLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crl",
        abstract: "Write the server's CRL: every revoked license that has not yet expired, signed by the server key.",
        discussion: """
            Each CRL gets the next CRL number. Relying parties treat a CRL as stale after its next update.

            After a key rotation each issuer has its own CRL: the active issuer's by default, a \
            retired issuer's (for the licenses it signed) with --issuer KEYID, as `calkit server \
            status` lists them. A compromised issuer signs none.

            A delta CRL (--delta, RFC 5280 §5.2.4) lists only the licenses revoked since the last \
            complete CRL of the same issuer, which it names as its base; publish one after each \
            revocation and a complete one daily, and relying parties that use deltas (OpenSSL's \
            -use_deltas, CALKit's verifiers) see a revocation at once without fetching the whole \
            list again. OpenSSL needs -extended_crl beside -use_deltas: without it, it takes the \
            newest CRL it is given as the complete one, even a delta. With a public URL (`calkit server serve --public-url`), complete CRLs and \
            licenses point at BASE/crl/delta.

            Examples:
              calkit server crl --home ls --out server.crl
              calkit server crl --home ls --out server-delta.crl --delta --next-update 1
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var options: CRLOptions
    @Option(help: ArgumentHelp("A retired issuer's key id (8 or more hex digits); the active issuer when left out.", valueName: "keyid"))
    var issuer: String?
    @Flag(help: "Write a delta CRL: only what was revoked since the last complete CRL (which must exist).")
    var delta = false

    func run() throws {
        let server = try home.licenseServer()
        try SecureFile.checkWritable(options.out)
        try options.publish(try server.revocationList(issuerKeyID: issuer, nextUpdateHours: options.nextUpdate, delta: delta), what: "license(s)")
    }
}
