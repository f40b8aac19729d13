import CALTestSupport
import Foundation
import Testing

@Suite("Bad files never crash a command, get a clear error and change nothing")
struct BadInputTests {
    /// The kinds of bad file every reading command is fed.
    static let badKinds = ["missing", "empty", "garbage", "truncated", "folder", "wrong-kind", "half-pem"]

    /// Writes a bad file of `kind` standing in for `good` and returns its name.
    static func bad(_ kind: String, replacing good: String, in workspace: CLIWorkspace) throws -> String {
        let name = "bad-\(kind)-\(UUID().uuidString.prefix(8))-" + (good as NSString).lastPathComponent
        switch kind {
        case "missing":
            return "does-not-exist.pem"
        case "empty":
            try workspace.folder.write(name, [])
        case "garbage":
            var generator = SystemRandomNumberGenerator()
            try workspace.folder.write(name, (0..<700).map { _ in UInt8.random(in: 0...255, using: &generator) })
        case "truncated":
            let bytes = try workspace.folder.read(good)
            try workspace.folder.write(name, Array(bytes.prefix(bytes.count / 2)))
        case "folder":
            try FileManager.default.createDirectory(atPath: workspace.file(name), withIntermediateDirectories: true)
        case "wrong-kind":
            // A private key where a certificate, request or pack belongs (or a request where a key pack belongs).
            let source = good.hasSuffix(".csr") ? "device.keypack" : "c1.csr"
            try FileManager.default.copyItem(atPath: workspace.file(source), toPath: workspace.file(name))
        case "half-pem":
            let text = String(decoding: try workspace.folder.read(good), as: UTF8.self)
            let lines = text.split(separator: "\n")
            try workspace.folder.write(name, lines.prefix(max(1, lines.count - 3)).joined(separator: "\n"))
        default:
            Issue.record("unknown kind \(kind)")
        }
        return name
    }

    /// Each command that reads a file, with the good file it reads and a builder of its arguments.
    static let commands: [(String, String, @Sendable (String) -> [String])] = [
        ("clearinghouse activate --request", "ls2/activation-request.pem", { ["clearinghouse", "activate", "--home", "ch", "--request", $0, "--out", "out.pem"] }),
        ("clearinghouse issue-pack --server-certificate", "ls/server-chain.pem", {
            ["clearinghouse", "issue-pack", "--home", "ch", "--server-certificate", $0, "--type", "per-device", "--count", "1",
             "--product", "Desk", "--agreement", "Z", "--out", "out.keypack"]
        }),
        ("server install-certificate", "chain2.pem", { ["server", "install-certificate", "--home", "ls2", $0] }),
        ("server install-pack", "spare.keypack", { ["server", "install-pack", "--home", "ls", $0] }),
        ("server issue --request", "c1.csr", { ["server", "issue", "--home", "ls", "--request", $0, "--type", "per-device", "--out", "out.pem"] }),
        ("client install", "cal.pem", { ["client", "install", "--home", "c1", $0] }),
        ("clearinghouse authorize-transfer --license", "cal.pem", {
            ["clearinghouse", "authorize-transfer", "--home", "ch", "--license", $0, "--out", "out.der"]
        }),
        ("server transfer --grant", "grant.der", { ["server", "transfer", "--home", "ls", "--grant", $0, "--request", "c1.csr", "--out", "out.pem"] }),
        ("server transfer --request", "c1.csr", {
            ["server", "transfer", "--home", "ls", "--grant", "spare-grant.der", "--request", $0, "--out", "out.pem"]
        }),
        ("server ocsp --request", "ocsp-request.der", { ["server", "ocsp", "--home", "ls", "--request", $0, "--out", "out.der"] }),
        ("verify --crl", "server.crl", { ["verify", "cal.pem", "--trust", "ch/root.pem", "--chain", "ls/server-chain.pem", "--crl", $0] }),
        ("verify --ocsp-response", "ocsp-response.der", {
            ["verify", "cal.pem", "--trust", "ch/root.pem", "--chain", "ls/server-chain.pem", "--ocsp-response", $0]
        }),
        ("client verify --trust", "ch/root.pem", { ["client", "verify", "--home", "c1", "--trust", $0] }),
        ("verify FILE", "cal.pem", { ["verify", $0, "--trust", "ch/root.pem", "--chain", "ls/server-chain.pem"] }),
        ("verify --trust", "ch/root.pem", { ["verify", "cal.pem", "--trust", $0, "--chain", "ls/server-chain.pem"] }),
        ("verify --chain", "ls/server-chain.pem", { ["verify", "cal.pem", "--trust", "ch/root.pem", "--chain", $0] }),
        ("inspect", "cal.pem", { ["inspect", $0] }),
        ("key encrypt --in", "c1/client-key.pem", { ["key", "encrypt", "--in", $0, "--passphrase-file", "passphrase", "--out", "out.pem"] }),
        ("key decrypt --in", "encrypted-key.pem", { ["key", "decrypt", "--in", $0, "--passphrase-file", "passphrase", "--out", "out.pem"] }),
        ("key passwd --in", "encrypted-key.pem", {
            ["key", "passwd", "--in", $0, "--passphrase-file", "passphrase", "--new-passphrase-file", "passphrase", "--out", "out.pem"]
        }),
    ]

    @Test("Every reading command refuses missing, empty, garbage, truncated, folder and wrong-kind files")
    func everyCommand() throws {
        let workspace = try CLIWorkspace.activated(seats: 3)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        try workspace.ok("client", "install", "--home", "c1", "cal.pem")
        try workspace.ok("server", "init", "--home", "ls2", "--name", "Second")
        try workspace.ok("clearinghouse", "activate", "--home", "ch", "--request", "ls2/activation-request.pem", "--out", "chain2.pem")
        try workspace.ok(
            "clearinghouse", "issue-pack", "--home", "ch", "--server-certificate", "ls/server-chain.pem", "--type", "per-device",
            "--count", "4", "--product", "Desk", "--agreement", "S", "--out", "spare.keypack"
        )
        let server = try workspace.folder.write("server.pem", String(decoding: try workspace.folder.read("ls/server-chain.pem"), as: UTF8.self))
        let request = try ExternalTool.openssl(["ocsp", "-issuer", server, "-cert", workspace.file("cal.pem"), "-reqout", workspace.file("ocsp-request.der")])
        #expect(request.status == 0)
        try workspace.ok("server", "ocsp", "--home", "ls", "--request", "ocsp-request.der", "--out", "ocsp-response.der")
        try workspace.ok("server", "crl", "--home", "ls", "--out", "server.crl")
        #expect(try workspace.ok("inspect", "ocsp-request.der").output.hasPrefix("ocsp-request"))
        let inspected = try workspace.ok("inspect", "ocsp-response.der").output
        #expect(inspected.hasPrefix("ocsp-response"))
        #expect(inspected.contains(": good, next update"))
        // A grant to test the transfer command's inputs with, and one left unused to prove it stays usable.
        try workspace.ok("client", "request", "--home", "c1", "--out", "c1b.csr")
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1b.csr", "--type", "per-device", "--out", "second.pem")
        try workspace.ok("clearinghouse", "authorize-transfer", "--home", "ch", "--license", "second.pem", "--out", "spare-grant.der")
        try FileManager.default.copyItem(atPath: workspace.file("spare-grant.der"), toPath: workspace.file("grant.der"))
        _ = try workspace.folder.write("passphrase", "bad input test\n")
        try workspace.ok("key", "encrypt", "--in", "c1/client-key.pem", "--passphrase-file", "passphrase", "--out", "encrypted-key.pem")
        let statusBefore = try workspace.ok("server", "status", "--home", "ls", "--json").output
        let storeBefore = try FileManager.default.contentsOfDirectory(atPath: workspace.file("c1/licenses")).sorted()

        for (name, good, arguments) in Self.commands {
            for kind in Self.badKinds {
                // DER files (packs, OCSP) have no "half a PEM"; a truncated one is covered.
                if (good.hasSuffix(".keypack") || good.hasSuffix(".der")) && kind == "half-pem" { continue }
                // inspect reads every kind of artefact, so no kind is wrong for it.
                if name == "inspect" && kind == "wrong-kind" { continue }
                let file = try Self.bad(kind, replacing: good, in: workspace)
                let result = try workspace.run(arguments(file))
                #expect(result.status == 1, "\(name) with a \(kind) file exited \(result.status): \(result.output) \(result.error)")
                #expect(result.error.hasPrefix("error: "), "\(name) with a \(kind) file said: \(result.error)")
                #expect(!result.crashed)
            }
        }
        #expect(!workspace.exists("out.pem"))
        #expect(!workspace.exists("out.der"))
        #expect(!workspace.exists("out.keypack"))
        #expect(try workspace.ok("server", "status", "--home", "ls", "--json").output == statusBefore)
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.file("c1/licenses")).sorted() == storeBefore)
        #expect(!workspace.exists("ls2/server-chain.pem"))
        // The grant fed alongside every bad request was not consumed.
        try workspace.ok("server", "transfer", "--home", "ls", "--grant", "spare-grant.der", "--request", "c1.csr", "--out", "moved.pem")
    }

    @Test("--json failures print a machine-readable error object")
    func jsonErrors() throws {
        let workspace = try CLIWorkspace.activated()
        let result = try workspace.run("server", "status", "--home", "nowhere", "--json")
        #expect(result.status == 1)
        let object = try workspace.json(result)
        #expect(object["error"] as? String == "not-initialized")
        #expect((object["message"] as? String)?.isEmpty == false)
    }
}
