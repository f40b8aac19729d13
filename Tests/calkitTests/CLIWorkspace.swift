import CALTestSupport
import Foundation
import Testing

/// A temporary folder in which tests drive the real `calkit` binary, as a person would.
struct CLIWorkspace {
    let folder: TemporaryFolder
    /// Environment variables every command of this workspace runs with.
    var environment: [String: String] = [:]
    /// Every line any command printed, to check that no key material is ever printed.
    nonisolated(unsafe) static var transcript: [String] = []

    init() throws { folder = try TemporaryFolder("cli") }

    /// Runs calkit in the folder.
    @discardableResult
    func run(_ arguments: String...) throws -> ProcessResult {
        try run(arguments)
    }

    /// Runs calkit in the folder.
    @discardableResult
    func run(_ arguments: [String]) throws -> ProcessResult {
        let result = try ExternalTool.calkit(arguments, in: folder.path, environment: environment)
        #expect(!result.crashed, "calkit \(arguments.joined(separator: " ")) crashed: \(result.error)")
        #expect(!result.output.contains("PRIVATE KEY") && !result.error.contains("PRIVATE KEY"))
        return result
    }

    /// Runs calkit and expects success.
    @discardableResult
    func ok(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        try ok(arguments, sourceLocation: sourceLocation)
    }

    /// Runs calkit and expects success.
    @discardableResult
    func ok(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let result = try run(arguments)
        #expect(result.status == 0, "calkit \(arguments.joined(separator: " ")): \(result.error)", sourceLocation: sourceLocation)
        return result
    }

    /// Runs calkit and expects a refusal with a stable error code on standard error.
    @discardableResult
    func refused(_ code: String, _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        try refused(code, arguments, sourceLocation: sourceLocation)
    }

    /// Runs calkit and expects a refusal with a stable error code on standard error.
    @discardableResult
    func refused(_ code: String?, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let result = try run(arguments)
        #expect(result.status == 1, "calkit \(arguments.joined(separator: " ")) exited \(result.status)", sourceLocation: sourceLocation)
        if let code {
            #expect(
                result.error.hasPrefix("error: \(code): "),
                "calkit \(arguments.joined(separator: " ")) said: \(result.error)",
                sourceLocation: sourceLocation
            )
        } else {
            #expect(result.error.hasPrefix("error: "), "calkit \(arguments.joined(separator: " ")) said: \(result.error)", sourceLocation: sourceLocation)
        }
        return result
    }

    /// A path in the folder.
    func file(_ name: String) -> String { folder.file(name) }

    /// Whether a file exists in the folder.
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: folder.file(name)) }

    /// The serial number of the first certificate in a file, as `calkit inspect` prints it.
    func serial(of file: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(try ok("inspect", file, "--json").output.utf8))
        let certificates = try #require(object as? [[String: String]])
        return try #require(certificates.first?["serial"])
    }

    /// Writes the first certificate of the PEM file `source` alone to `name`; returns its path.
    /// (Tools such as pkilint read one certificate per file; a license file holds two.)
    func firstCertificate(of source: String, to name: String) throws -> String {
        let pem = String(decoding: try folder.read(source), as: UTF8.self)
        return try folder.write(name, pem.components(separatedBy: "-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n")
    }

    /// Writes the license server's own certificate (the first of `ls/server-chain.pem`) to
    /// `server.pem`, for OpenSSL's `-issuer`; returns its path.
    func serverCertificate() throws -> String {
        try firstCertificate(of: "ls/server-chain.pem", to: "server.pem")
    }

    /// Parses a command's JSON output.
    func json(_ result: ProcessResult) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
        return try #require(object as? [String: Any])
    }

    /// A clearinghouse `ch`, an activated server `ls` with a per-device pack of `seats` and a
    /// per-user pack, and a client `c1` (device `PC-1`) with its request `c1.csr`. With
    /// `simulatedClock`, the server's home is made for simulation, so it may be served on `--now`.
    static func activated(seats: Int = 2, simulatedClock: Bool = false, database: String? = nil) throws -> CLIWorkspace {
        let workspace = try CLIWorkspace()
        try workspace.ok("clearinghouse", "init", "--home", "ch")
        try workspace.ok(
            ["server", "init", "--home", "ls", "--name", "Server"] + (simulatedClock ? ["--simulated-clock"] : []) + (database.map { ["--database", $0] } ?? [])
        )
        try workspace.ok("clearinghouse", "activate", "--home", "ch", "--request", "ls/activation-request.pem", "--out", "chain.pem")
        try workspace.ok("server", "install-certificate", "--home", "ls", "chain.pem")
        try workspace.ok(
            "clearinghouse", "issue-pack", "--home", "ch", "--server-certificate", "ls/server-chain.pem", "--type", "per-device",
            "--count", String(seats), "--product", "Desk", "--agreement", "A-1", "--out", "device.keypack"
        )
        try workspace.ok(
            "clearinghouse", "issue-pack", "--home", "ch", "--server-certificate", "ls/server-chain.pem", "--type", "per-user",
            "--count", "3", "--product", "Desk", "--agreement", "A-2", "--out", "user.keypack"
        )
        try workspace.ok("server", "install-pack", "--home", "ls", "device.keypack")
        try workspace.ok("server", "install-pack", "--home", "ls", "user.keypack")
        try workspace.ok("client", "init", "--home", "c1", "--device-id", "PC-1")
        try workspace.ok("client", "request", "--home", "c1", "--out", "c1.csr")
        return workspace
    }
}
