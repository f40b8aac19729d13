import ArgumentParser
import CALClearinghouse
import CALCore

/// `calkit clearinghouse rotate`: root rollover with cross-certificates.
struct ClearinghouseRotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Roll the root over: a new root and cross-certificates both ways.",
        discussion: """
            Creates a new root (root.pem, root-key.pem) and signing certificate, and two \
            cross-certificates in DIR/cross/: the new root certified by the previous root's key, \
            and the previous root certified by the new key. The previous root and keys move to \
            DIR/retired/. New activations happen under the new root.

            Hand out the cross-certificates with the roots: a party that trusts only the previous \
            root verifies licenses of servers activated under the new root when given the first \
            as an untrusted intermediate, and a party that trusts only the new root verifies \
            those of servers activated under the previous root with the second:

              openssl verify -CAfile OLD-ROOT -untrusted CROSS -untrusted SERVER-CHAIN CAL

            The previous root keeps signing its CRL (`calkit clearinghouse crl --root KEYID`) and \
            the key packs of servers it certified, until they are reactivated under the new root \
            or their certificates expire.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: "Key type of the new root: p256, p384, ed25519 or rsa3072 (default: the current root's).") var keyType: KeyType?
    @Option(help: "Lifetime of the new root in years.") var years = RootProfile.defaultYears
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let rollover = try home.clearinghouse().rotate(keyType: keyType, years: years)
        let home = rollover.clearinghouse.home
        if json {
            Output.json([
                "root": home.file(Clearinghouse.Files.root),
                "rootKeyID": rollover.newRoot.publicKey.keyIdentifier,
                "previousRootKeyID": rollover.previousRoot.publicKey.keyIdentifier,
                "newRootByPrevious": rollover.crossCertificatePaths[0],
                "previousRootByNew": rollover.crossCertificatePaths[1],
            ])
            return
        }
        print("New root \(rollover.newRoot.publicKey.keyIdentifier) until \(Output.date(rollover.newRoot.notValidAfter))")
        print("previous root \(rollover.previousRoot.publicKey.keyIdentifier) retired; it keeps signing its CRL")
        print("root:                       \(home.file(Clearinghouse.Files.root))")
        print("new root by previous root:  \(rollover.crossCertificatePaths[0])")
        print("previous root by new root:  \(rollover.crossCertificatePaths[1])")
    }
}
