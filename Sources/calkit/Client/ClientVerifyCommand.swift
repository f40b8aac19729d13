import ArgumentParser
import CALClient
import CALCore
import Foundation

/// `calkit client verify`: checks every stored license.
struct ClientVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify every stored license against a trusted root.",
        discussion: """
            Checks each license's chain to the root, its validity at --at (default: now), its \
            profile, and that it is bound to this client's device id (per-device) and key. Prints \
            one line per license and exits 0 only if all are valid.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("Extra certificates to complete chains (a license server's chain), PEM.", valueName: "file"))
    var chain: String?
    @Option(help: "Require licenses of this product.") var product: String?
    @OptionGroup var options: VerificationOptions
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let client = try home.client()
        let extra = try chain.map { try PEMBundle.certificates(at: $0) } ?? []
        let time = try options.time(clock: home.clock)
        // An explicit --at asks about another instant; the clock itself must not have gone back.
        if options.at == nil { try client.observe(time) }
        var verifier = try await options.verifier(intermediates: extra, at: time)
        var reports: [VerificationReport] = []
        for entry in try client.store.entries() {
            switch entry {
            case .failure(let error):
                reports.append(
                    VerificationReport(file: "", license: nil, verdict: .failure(CALError(.malformed, error.description)))
                )
            case .success(let stored):
                verifier.intermediates = stored.chain + extra
                let verdict = await verifier.verify(
                    stored.license,
                    at: time,
                    expecting: .init(
                        deviceID: client.deviceID, holderKey: client.publicKey, product: product, licenseServerIDs: options.licenseServerIDs
                    )
                )
                reports.append(VerificationReport(file: stored.path, license: stored.license, verdict: verdict))
            }
        }
        if json {
            Output.json(reports)
        } else if reports.isEmpty {
            print("no licenses stored")
        } else {
            reports.forEach { print($0.line) }
        }
        if reports.isEmpty || reports.contains(where: { !$0.valid }) { throw ExitCode.failure }
    }
}
