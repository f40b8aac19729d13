import ArgumentParser
import CALCore
import CALHTTP
import CALHost
import CALLicenseServer
import Foundation
import X509

/// `calkit host init`: a host bound to a license server.
struct HostInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a session host bound to a license server: its home folder (in this process) or its URL.",
        discussion: """
            The host trusts the clearinghouse root its license server was activated under. With \
            --license-server URL the host asks the running service (`calkit server serve`) over \
            HTTP at each logon; give --trust ROOT to check the root the service reports. For an \
            https license server with a private CA, --tls-trust CA.pem is kept in the host's home \
            and used at every logon.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: "per-device or per-user.") var mode: LicenseType
    @Option(help: ArgumentHelp("The license server's home folder.", valueName: "dir")) var licenseServerHome: String?
    @Option(help: ArgumentHelp("The license server's URL, for example http://127.0.0.1:8750.", valueName: "url")) var licenseServer: String?
    @Option(help: ArgumentHelp("The clearinghouse root to trust (with --license-server).", valueName: "root.pem")) var trust: String?
    @Option(help: "The product the host serves; the only installed one when left out.") var product: String?
    @OptionGroup var tlsTrust: TLSTrustOption
    @Option(help: ArgumentHelp("Seconds each of the 3 attempts to reach the license server URL may take at a logon (default 5); then the server counts as unreachable.", valueName: "seconds"))
    var timeout: Double?

    func validate() throws {
        guard (licenseServerHome == nil) != (licenseServer == nil) else {
            throw ValidationError("give --license-server-home DIR or --license-server URL")
        }
        guard (tlsTrust.tlsTrust == nil && timeout == nil) || licenseServer != nil else {
            throw ValidationError("--tls-trust and --timeout go with --license-server URL")
        }
        if let timeout, !SessionHost.requestTimeoutRange.contains(timeout) { throw ValidationError("--timeout must be 0.1 to 300 seconds") }
    }

    func run() async throws {
        let root: [Certificate]
        let boundTo: String
        let serverID: String
        if let licenseServer {
            guard let url = URL(string: licenseServer), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw CALError.invalidArgument("--license-server takes a URL such as http://127.0.0.1:8750")
            }
            let chain = try await HTTPLicenseSource(baseURL: url, timeout: timeout ?? SessionHost.defaultRequestTimeout, tlsTrust: tlsTrust.tlsTrust).chain()
            guard let served = chain.last, chain.count >= 2 else {
                throw CALError.chainDoesNotVerify("the license server's /v1/chain holds no root")
            }
            if let trust {
                guard try PEMBundle.certificates(at: trust).contains(served) else {
                    throw CALError.chainDoesNotVerify("the license server is under another root than \(trust)")
                }
            }
            root = [served]
            boundTo = licenseServer
            serverID = LicenseServerProfile.serverID(of: chain[0]) ?? "?"
        } else {
            let path = licenseServerHome ?? ""
            let server = try LicenseServer(home: path, time: try home.time(), passphrase: try home.passphrase())
            root = try PEMBundle.certificates(at: server.home.file(LicenseServer.Files.trustAnchor))
            boundTo = path
            serverID = server.serverID
        }
        let tlsRoots = try tlsTrust.tlsTrust.map { try PEMBundle.certificates(at: $0) } ?? []
        _ = try SessionHost.create(
            at: home.home, mode: mode, licenseServer: boundTo, trustRoot: root, product: product, tlsTrust: tlsRoots,
            requestTimeout: timeout, time: try home.time()
        )
        print("Created a \(mode.rawValue) session host bound to license server \(serverID)")
    }
}
