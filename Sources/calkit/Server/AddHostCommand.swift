import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server add-host`: enrolls a session host and writes its credential.
struct AddHostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-host",
        abstract: "Enroll a session host: write the credential it sends with its license requests.",
        discussion: """
            `calkit server serve` answers license requests (POST /v1/licenses and renewals) from \
            enrolled hosts only, unless it runs with --open-requests. The credential is a bearer \
            secret written once, mode 0600, to --out; the server keeps only its hash. Give the file \
            to the host: `calkit host set-license-server --home H --license-server URL --trust ROOT \
            --credential FILE`. Requests are rate-limited per host. `calkit server remove-host` \
            withdraws it at once.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: "A name for the host, unique among enrolled hosts (for example its DNS name).") var name: String
    @Option(help: ArgumentHelp("Where to write the credential (mode 0600; never overwritten).", valueName: "file")) var out: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        try SecureFile.checkWritable(out)
        let server = try home.licenseServer()
        let (enrolment, credential) = try server.enrollHost(name: name)
        try SecureFile.write(Array((credential + "\n").utf8), to: out, mode: 0o600, overwrite: false)
        if json {
            Output.json(["hostID": enrolment.hostID, "name": enrolment.name, "credential": out])
        } else {
            print("Enrolled host \(enrolment.name) (id \(enrolment.hostID)); its credential is in \(out)")
        }
    }
}
