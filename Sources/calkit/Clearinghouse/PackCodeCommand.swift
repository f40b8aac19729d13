import ArgumentParser
import CALClearinghouse
import CALCore

/// `calkit clearinghouse pack-code`: a one-time code for one key pack, for the web browser method.
struct PackCodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack-code",
        abstract: "Issue a one-time code with which a customer fetches one key pack on the clearinghouse's web pages.",
        discussion: """
            The code allows exactly the order given here — agreement, product, version, license \
            type and count — for one activated license server of the customer's choosing, once, \
            before it expires (--valid-days, default 30). On the pages served by \
            `calkit clearinghouse serve` (Install CALs) the customer enters the code, their \
            license-server id and the order, and downloads the pack for \
            `calkit server install-pack`. The clearinghouse keeps only the code's SHA-256 hash.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: "The license purchase agreement number.") var agreement: String
    @Option(help: "per-device or per-user.") var type: LicenseType
    @Option(help: "The product the CALs license.") var product: String
    @Option(help: "The product version.") var productVersion = "1.0"
    @Option(help: "How many CALs the pack holds.") var count: Int
    @Option(help: "Days the code stays valid if unused (1 to \(Clearinghouse.activationCodeMaximumDays)).") var validDays = 30
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let issued = try home.clearinghouse().issuePackCode(
            agreement: agreement, licenseType: type, product: product, productVersion: productVersion, count: count, validDays: validDays
        )
        if json {
            Output.json([
                "packCode": issued.code.description, "agreement": agreement, "licenseType": type.rawValue, "product": product,
                "productVersion": productVersion, "count": String(count), "expiresAt": Output.date(issued.expiresAt),
            ])
        } else {
            print(issued.code.description)
            print("valid until \(Output.date(issued.expiresAt)), once, for \(count) \(type.rawValue) CALs of \(product) \(productVersion) under agreement \(agreement)")
        }
    }
}
