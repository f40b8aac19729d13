import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server ocsp`: answers one OCSP request from a file.
struct OCSPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocsp",
        abstract: "Answer an OCSP request (DER) with a signed response: good, revoked or unknown.",
        discussion: """
            The response is signed by the server key and echoes the request's nonce. For example, \
            `openssl ocsp -issuer server.pem -cert cal.pem -reqout req.der` makes a request, and \
            `openssl ocsp -respin resp.der -issuer server.pem -CAfile root.pem -untrusted server.pem` reads the answer.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("The OCSP request (DER).", valueName: "file")) var request: String
    @Option(help: ArgumentHelp("Where to write the response (DER).", valueName: "file")) var out: String
    @Option(help: "Hours the response stays valid (its next update).") var validity = 24
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let server = try home.licenseServer()
        try SecureFile.checkWritable(out)
        let response = try server.ocspResponse(to: try SecureFile.read(request), validityHours: validity)
        try SecureFile.write(response.derBytes, to: out)
        let statuses = response.responses.map { single -> [String: String] in
            var entry = ["serial": SerialNumbers.hex(single.certificateID.serial)]
            switch single.status {
            case .good: entry["status"] = "good"
            case .unknown: entry["status"] = "unknown"
            case .revoked(let at, let reason):
                entry["status"] = "revoked"
                entry["revokedAt"] = Output.date(at)
                entry["reason"] = reason?.name ?? "unspecified"
            }
            return entry
        }
        if json {
            Output.json(statuses)
        } else {
            for entry in statuses {
                print("\(entry["serial"] ?? ""): \(entry["status"] ?? "")" + (entry["reason"].map { " (\($0))" } ?? ""))
            }
            print("response: \(out)" + (response.nonce != nil ? " (nonce echoed)" : ""))
        }
    }
}
