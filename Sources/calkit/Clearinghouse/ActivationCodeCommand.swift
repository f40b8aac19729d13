import ArgumentParser
import CALClearinghouse
import CALCore

/// `calkit clearinghouse activation-code`: a one-time code for activating a license server over the network.
struct ActivationCodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activation-code",
        abstract: "Issue a one-time activation code for a customer's license server.",
        discussion: """
            Give the code to the customer: `calkit server activate --clearinghouse URL \
            --activation-code CODE` activates one license server with it, once, before it expires \
            (--valid-days, default 7, at most \(Clearinghouse.activationCodeMaximumDays)). The clearinghouse keeps only the code's SHA-256 \
            hash; issuing and using it are in the audit log. Re-keying an activated server needs no code.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: "The license purchase agreement the code is issued under.") var agreement: String
    @Option(help: "Days the code stays valid if unused (1 to \(Clearinghouse.activationCodeMaximumDays)).") var validDays = 7
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let issued = try home.clearinghouse().issueActivationCode(agreement: agreement, validDays: validDays)
        if json {
            Output.json(["activationCode": issued.code.description, "agreement": agreement, "expiresAt": Output.date(issued.expiresAt)])
        } else {
            print(issued.code.description)
            print("valid until \(Output.date(issued.expiresAt)), once, for agreement \(agreement)")
        }
    }
}
