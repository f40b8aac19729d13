import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server status`: packs, seats and licenses issued.
struct ServerStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show installed key packs with their counts and the licenses issued."
    )

    @OptionGroup var home: HomeOption
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let status = try home.licenseServer().status()
        if json {
            Output.json(status)
            return
        }
        print("License server \"\(status.name)\" \(status.serverID)")
        if let notAfter = status.certificateNotAfter {
            print("activated, certificate valid until \(Output.date(notAfter))")
        } else {
            print("not activated")
        }
        print("ledger \(status.ledgerID), created \(Output.date(status.ledgerCreatedAt))")
        if status.products.isEmpty {
            print("no key packs installed")
        } else {
            print("")
            print("product                 type        total  issued   free")
            for product in status.products {
                let name = product.product.padding(toLength: 22, withPad: " ", startingAt: 0)
                let type = product.licenseType.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                print("\(name)  \(type) \(pad(product.total)) \(pad(product.issued)) \(pad(product.free))")
            }
        }
        let counts = status.licensesIssued
        print("")
        print(
            "licenses issued: \(counts.total) (\(counts.permanentPerDevice) permanent per-device, \(counts.permanentPerUser) per-user, \(counts.temporary) temporary)"
        )
        if !status.issuers.isEmpty {
            print("")
            print("issuers:")
            for issuer in status.issuers {
                var line = "  \(issuer.keyID)  \(issuer.status.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(issuer.licensesIssued) licenses"
                if let last = issuer.lastLicenseExpires { line += ", last expires \(Output.date(last))" }
                if issuer.status == .retired { line += issuer.signsRevocation ? ", still signs CRL and OCSP" : ", nothing left to sign for" }
                print(line)
            }
        }
        if status.rotationPending {
            print("")
            print("a key rotation is waiting: send activation-request.pem to the clearinghouse and install the chain it returns")
        }
    }

    private func pad(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(0, 6 - text.count)) + text
    }
}
