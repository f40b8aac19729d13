import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server rotate`: a new key and its reactivation request.
struct RotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Start a key rotation: a new key and a reactivation request for the clearinghouse.",
        discussion: """
            Writes the new key to DIR/pending-key.pem and the reactivation request to \
            DIR/activation-request.pem, signed over by the current key. The current key keeps \
            issuing until `calkit server install-certificate` installs the chain the clearinghouse \
            returns (`calkit clearinghouse activate`); then the old key and chain move to \
            DIR/retired/, and the old key keeps signing CRLs and OCSP for its licenses.

            --compromised: the current key must not sign again. It stops at once (issuing \
            resumes with the new certificate), and the clearinghouse revokes its certificate \
            when it signs the request. Licenses chained to it are replaced on their seats at \
            the clients' next logon.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: "Key type of the new key: p256, p384, ed25519 or rsa3072 (default: the current key's).") var keyType: KeyType?
    @Flag(help: "The current key is compromised: stop signing with it now and have the clearinghouse revoke its certificate.")
    var compromised = false
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let rotation = try home.licenseServer().rotate(keyType: keyType, compromised: compromised)
        if json {
            Output.json([
                "activationRequest": rotation.requestPath, "newKeyID": rotation.newKeyID,
                "compromised": compromised ? "true" : "false", "reusedPendingKey": rotation.reusedPendingKey ? "true" : "false",
            ])
            return
        }
        if rotation.reusedPendingKey { print("A rotation was already waiting; its request was made again for the same new key.") }
        print("New key \(rotation.newKeyID) waits in \(LicenseServer.Files.pendingKey)")
        if compromised {
            print("The current key is marked compromised and signs nothing more; issuing resumes once the new certificate is installed.")
        } else {
            print("The current key keeps issuing until the new certificate is installed.")
        }
        print(rotation.requestPath)
    }
}
