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
            not-a-client-license, not-a-license-server, malformed, revoked, issuer-revoked, \
            stale-crl, crl-bad-signature, revocation-unknown, untrusted-license-server or \
            unbacked-license. Give the license server's CRL and the root's CRL with --crl to check \
            revocation; --server-id to accept one license server's licenses alone; --key-pack with \
            the packs the clearinghouse signed to check what backs a permanent CAL.
            """
    )

    @Argument(help: ArgumentHelp("The license (PEM; certificates after the first are used as chain).", valueName: "file"))
    var file: String
    @Option(
        help: ArgumentHelp(
            "More untrusted certificates (PEM): the license server's chain, cross-certificates. The license file's own certificates are always used.",
            valueName: "file"
        )
    )
    var chain: [String] = []
    @Option(help: "The device the license is presented on.") var deviceID: String?
    @Option(help: "The user presenting the license.") var user: String?
    @Option(help: "The product the license must be for.") var product: String?
    @OptionGroup var options: VerificationOptions
    @OptionGroup var clock: ClockOptions
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        if deviceID != nil && user != nil { throw ValidationError("give --device-id or --user, not both") }
    }

    func run() async throws {
        let chainCertificates = try chain.flatMap { try PEMBundle.certificates(at: $0) }
        let report: VerificationReport
        do {
            let certificates = try PEMBundle.certificates(at: file)
            let license = certificates[0]
            let time = try options.time(clock: clock)
            let verifier = try await options.verifier(intermediates: Array(certificates.dropFirst()) + chainCertificates, at: time)
            let verdict = await verifier.verify(
                license,
                at: time,
                expecting: .init(deviceID: deviceID, user: user, product: product, licenseServerIDs: options.licenseServerIDs)
            )
            report = VerificationReport(file: file, license: license, verdict: verdict)
        } catch let error as CALError {
            guard error.code == .malformed else { throw error }
            report = VerificationReport(file: file, license: nil, verdict: .failure(error))
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
