import ArgumentParser
import CALClearinghouse
import CALCore

/// `calkit clearinghouse init`: a root key and a self-signed root certificate.
struct ClearinghouseInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a clearinghouse: root key and self-signed root certificate (DIR/root.pem).",
        discussion: "Give DIR/root.pem to every client and host that must trust licenses from this clearinghouse."
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var database: DatabaseOption
    @Option(help: "The root's common name.") var name = "CALKit Clearinghouse"
    @Option(help: "Key type: p256, p384, ed25519 or rsa3072.") var keyType: KeyType = .p256
    @Option(help: "Lifetime of the root certificate in years.") var years = RootProfile.defaultYears
    @Flag(help: "Make a home for simulation and tests: its service may then run on --now or CALKIT_NOW instead of the system clock.")
    var simulatedClock = false
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let clearinghouse = try Clearinghouse.create(
            at: home.home, name: name, keyType: keyType, years: years, time: try home.time(), passphrase: try home.passphrase(),
            simulatedClock: simulatedClock, database: database.url
        )
        let rootPath = clearinghouse.home.file(Clearinghouse.Files.root)
        if json {
            Output.json([
                "root": rootPath, "subject": SubjectNames.display(clearinghouse.root.subject),
                "notAfter": Output.date(clearinghouse.root.notValidAfter), "keyType": keyType.rawValue,
            ])
        } else {
            print("Created clearinghouse \"\(name)\" (\(keyType.rawValue) root, valid until \(Output.date(clearinghouse.root.notValidAfter)))")
            print("root certificate: \(rootPath)")
        }
    }
}
