import ArgumentParser
import CALCore
import CALServiceClient
import CALHost
import CALLicenseServer
import Foundation
import X509

/// The flags that name a host's license server: its home folder, or its URL with the root to
/// trust. Shared by `host init` and `host set-license-server`.
struct LicenseServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The license server's home folder (the server runs in this process at each logon).", valueName: "dir"))
    var licenseServerHome: String?
    @Option(help: ArgumentHelp("The license server's URL, for example https://licensing.example:8750.", valueName: "url"))
    var licenseServer: String?
    @Option(
        help: ArgumentHelp(
            "The clearinghouse root to trust (PEM), with --license-server. Required over plain http: no trust is taken from the network.",
            valueName: "root.pem"
        )
    )
    var trust: String?
    @OptionGroup var tlsTrust: TLSTrustOption
    @Option(
        help: ArgumentHelp(
            "Seconds each of the 3 attempts to reach the license server URL may take at a logon (default 5); then the server counts as unreachable.",
            valueName: "seconds"
        )
    )
    var timeout: Double?
    @Option(
        help: ArgumentHelp(
            "The credential file `calkit server add-host` wrote for this host, with --license-server: the server answers enrolled hosts only.",
            valueName: "file"
        )
    )
    var credential: String?

    /// Whether a license server was named at all.
    var isGiven: Bool { licenseServerHome != nil || licenseServer != nil }

    func validate() throws {
        if licenseServerHome != nil && licenseServer != nil {
            throw ValidationError("give --license-server-home DIR or --license-server URL, not both")
        }
        guard (tlsTrust.tlsTrust == nil && timeout == nil && trust == nil && credential == nil) || licenseServer != nil else {
            throw ValidationError("--trust, --tls-trust, --timeout and --credential go with --license-server URL")
        }
        if let timeout, !SessionHost.requestTimeoutRange.contains(timeout) { throw ValidationError("--timeout must be 0.1 to 300 seconds") }
        if let licenseServer, URL(string: licenseServer)?.scheme == "http", trust == nil {
            throw ValidationError("over plain http give the clearinghouse root with --trust ROOT: nothing on the network is trusted")
        }
    }

    /// The binding the flags describe, after checking the server is what they say; nil when none was named.
    func binding(home: HomeOption) async throws -> LicenseServerBinding? {
        if let licenseServer {
            guard let url = URL(string: licenseServer), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw CALError.invalidArgument("--license-server takes a URL such as https://127.0.0.1:8750")
            }
            let source = HTTPLicenseSource(baseURL: url, timeout: timeout ?? SessionHost.defaultRequestTimeout, tlsTrust: tlsTrust.tlsTrust)
            let chain = try await source.chain()
            guard let served = chain.last, chain.count >= 2, let serverID = LicenseServerProfile.serverID(of: chain[0]) else {
                throw CALError.chainDoesNotVerify("the license server's /v1/chain holds no license-server certificate and root")
            }
            var roots = [served]
            if let trust {
                roots = try PEMBundle.certificates(at: trust)
                guard roots.contains(served) else {
                    throw CALError.chainDoesNotVerify("the license server is under another root than \(trust)")
                }
            }
            return LicenseServerBinding(
                location: licenseServer, serverIDs: [serverID], trustRoots: roots,
                tlsTrust: try tlsTrust.tlsTrust.map { try PEMBundle.certificates(at: $0) } ?? [], requestTimeout: timeout,
                credential: try credential.map { try SecureFile.readSecret($0).trimmingCharacters(in: .whitespacesAndNewlines) }
            )
        }
        if let path = licenseServerHome {
            let server = try LicenseServer(home: path, time: try home.time(), passphrase: try home.passphrase())
            return LicenseServerBinding(
                location: path, serverIDs: [server.serverID],
                trustRoots: try PEMBundle.certificates(at: server.home.file(LicenseServer.Files.trustAnchor))
            )
        }
        return nil
    }
}
