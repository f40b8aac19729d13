import ArgumentParser
import CALClient
import CALCore
import Foundation

/// `calkit verify`: checks one license file, for hosts and scripts.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify one license file against a trusted root and a license-server chain.",
        discussion: """
            Exits 0 if the license is valid. Otherwise prints a stable reason code: bad-signature, \
            untrusted-root, expired, not-yet-valid, wrong-device, wrong-user, wrong-product, \
            not-a-client-license, not-a-license-server or malformed.
            """
    )

    @Argument(help: ArgumentHelp("The license (PEM; certificates after the first are used as chain).", valueName: "file"))
    var file: String
    @Option(help: ArgumentHelp("The clearinghouse root to trust (PEM).", valueName: "root.pem")) var trust: String
    @Option(help: ArgumentHelp("The license server's chain (PEM).", valueName: "server-chain.pem")) var chain: String
    @Option(help: "The device the license is presented on.") var deviceID: String?
    @Option(help: "The user presenting the license.") var user: String?
    @Option(help: "The product the license must be for.") var product: String?
    @Option(help: ArgumentHelp("Check validity at this instant (ISO 8601) instead of now.", valueName: "time")) var at: Instant?
    @Option(help: "Accept certificates this many seconds outside their validity (clock skew).") var clockSkew: Int = 0
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        if deviceID != nil && user != nil { throw ValidationError("give --device-id or --user, not both") }
        if !(0...86_400).contains(clockSkew) { throw ValidationError("--clock-skew must be 0 to 86400 seconds") }
    }

    func run() async throws {
        let roots = try PEMBundle.certificates(at: trust)
        let chainCertificates = try PEMBundle.certificates(at: chain)
        let report: VerificationReport
        do {
            let certificates = try PEMBundle.certificates(at: file)
            let license = certificates[0]
            let verifier = LicenseVerifier(
                trustRoots: roots,
                intermediates: Array(certificates.dropFirst()) + chainCertificates,
                clockSkew: TimeInterval(clockSkew)
            )
            let verdict = await verifier.verify(
                license,
                at: at?.date ?? Date(),
                expecting: .init(deviceID: deviceID, user: user, product: product)
            )
            report = VerificationReport(file: file, license: license, verdict: verdict)
        } catch let error as CALError {
            guard case .malformed = error else { throw error }
            report = VerificationReport(file: file, license: nil, verdict: .failure(LicenseRejection(.malformed, error.description)))
        }
        if json {
            Output.json(report)
        } else if report.valid {
            print(report.line)
        } else {
            FileHandle.standardError.write(Data("error: \(report.reason ?? ""): \(report.message ?? "")\n".utf8))
        }
        if !report.valid { throw ExitCode.failure }
    }
}
