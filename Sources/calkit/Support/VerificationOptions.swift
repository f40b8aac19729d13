import ArgumentParser
import CALClient
import CALCore
import Foundation
import X509

/// What every verifying command takes: the trusted root, the license servers and key packs that
/// may back a license, the time, the clock skew, and the revocation information to check.
struct VerificationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The clearinghouse root to trust (PEM).", valueName: "root.pem")) var trust: String
    @Option(help: ArgumentHelp("Check validity at this instant (ISO 8601) instead of now.", valueName: "time")) var at: Instant?
    @Option(help: "Accept certificates this many seconds outside their validity (clock skew).") var clockSkew: Int = 0
    @Option(
        name: .customLong("crl"),
        help: ArgumentHelp("A CRL to check (PEM or DER): the license server's, the root's. Repeatable.", valueName: "file")
    )
    var revocationListFiles: [String] = []
    @Option(help: ArgumentHelp("An OCSP response (DER) from the license server. Repeatable.", valueName: "file"))
    var ocspResponse: [String] = []
    @Flag(help: "Refuse a license whose revocation status no CRL or OCSP response establishes (revocation-unknown).")
    var requireRevocationCheck = false
    @Option(
        help: ArgumentHelp(
            "Accept licenses of this license-server id alone (untrusted-license-server otherwise). Repeatable.", valueName: "id"
        )
    )
    var serverID: [String] = []
    @Option(
        help: ArgumentHelp(
            "A signed key pack (DER, as the clearinghouse issued it); with any given, a permanent CAL must be backed by one of them, its seat within the count (unbacked-license). Repeatable.",
            valueName: "file"
        )
    )
    var keyPack: [String] = []

    func validate() throws {
        if !(0...86_400).contains(clockSkew) { throw ValidationError("--clock-skew must be 0 to 86400 seconds") }
    }

    /// The instant to check at: --at, else the command's clock (--now, CALKIT_NOW, the wall clock).
    func time(clock: ClockOptions) throws -> Date { try at?.date ?? clock.source().now }

    /// The license servers accepted, nil when --server-id was not given.
    var licenseServerIDs: Set<String>? { serverID.isEmpty ? nil : Set(serverID) }

    /// A verifier with these options and `intermediates` to complete chains. Each --key-pack is
    /// verified against the trusted roots first; one that does not verify is an error.
    func verifier(intermediates: [Certificate], at time: Date) async throws -> LicenseVerifier {
        let roots = try PEMBundle.certificates(at: trust)
        var packs: [KeyPackContent] = []
        for path in keyPack {
            let bytes = try SecureFile.read(path)
            var verified: KeyPack?
            var lastError: (any Error)?
            for root in roots where verified == nil {
                do { verified = try await KeyPack.verify(bytes, root: root, at: time) } catch { lastError = error }
            }
            guard let verified else {
                if let error = lastError as? CALError { throw error }
                throw CALError.packSignatureInvalid("\(path) is not a key pack signed under the trusted root")
            }
            packs.append(verified.content)
        }
        return LicenseVerifier(
            trustRoots: roots,
            intermediates: intermediates,
            clockSkew: TimeInterval(clockSkew),
            revocationLists: try revocationListFiles.map(CertificateRevocationList.read(at:)),
            ocspResponses: try ocspResponse.map(Self.readResponse(at:)),
            requireRevocationCheck: requireRevocationCheck,
            keyPacks: keyPack.isEmpty ? nil : packs
        )
    }

    /// Reads an OCSP response file (DER).
    static func readResponse(at path: String) throws -> OCSPResponse {
        do {
            return try OCSPResponse(derEncoded: try SecureFile.read(path))
        } catch let error as CALError {
            throw error
        } catch {
            throw CALError.malformed(what: "the OCSP response in \(path)", reason: CALError.reason(describing: error))
        }
    }
}
