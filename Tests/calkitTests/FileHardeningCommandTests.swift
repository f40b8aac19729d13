import CALCore
import CALTestSupport
import Foundation
import SwiftASN1
import Testing

/// What an unlucky or careless administrator does to a home's files, and what a stranger
/// learns from an error: each of these used to do harm.
@Suite("Homes, databases, secret files and errors hold whatever the umask, a link or a crash left")
struct FileHardeningCommandTests {
    func mode(_ path: String) throws -> Int {
        try #require((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue)
    }

    /// Runs calkit under `umask 000`.
    func underOpenUmask(_ arguments: [String], in workspace: CLIWorkspace) throws -> ProcessResult {
        try ExternalTool.run("/bin/sh", ["-c", "umask 000 && exec \"$0\" \"$@\"", ExternalTool.calkitPath] + arguments, in: workspace.folder.path)
    }

    @Test("Under umask 000 and in a folder made 0755 beforehand, the home is 0700 and calkit.sqlite, its WAL and every key 0600")
    func modes() throws {
        let workspace = try CLIWorkspace()
        try FileManager.default.createDirectory(atPath: workspace.file("ls"), withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        let created = try underOpenUmask(["server", "init", "--home", "ls", "--name", "Server"], in: workspace)
        #expect(created.status == 0, "\(created.error)")
        let opened = try underOpenUmask(["server", "status", "--home", "ls"], in: workspace)
        #expect(opened.status == 0, "\(opened.error)")
        #expect(try mode(workspace.file("ls")) == 0o700)
        #expect(try mode(workspace.file("ls/server-key.pem")) == 0o600)
        for file in ["calkit.sqlite", "calkit.sqlite-wal", "calkit.sqlite-shm"] where workspace.exists("ls/" + file) {
            #expect(try mode(workspace.file("ls/" + file)) == 0o600, "\(file)")
        }
        #expect(workspace.exists("ls/calkit.sqlite"))
        // A database left 0644 by an earlier version is narrowed when the home is next opened.
        chmod(workspace.file("ls/calkit.sqlite"), 0o644)
        try workspace.ok("server", "status", "--home", "ls")
        #expect(try mode(workspace.file("ls/calkit.sqlite")) == 0o600)

        let client = try underOpenUmask(["client", "init", "--home", "c1", "--device-id", "PC-1"], in: workspace)
        #expect(client.status == 0, "\(client.error)")
        #expect(try mode(workspace.file("c1")) == 0o700 && mode(workspace.file("c1/client-key.pem")) == 0o600)
        #expect(try mode(workspace.file("c1/licenses")) == 0o700)
    }

    @Test("A passphrase or token file others may read is refused, with the chmod that fixes it")
    func looseSecretFiles() throws {
        let workspace = try CLIWorkspace()
        try workspace.ok("client", "init", "--home", "c1", "--device-id", "PC-1")
        try workspace.folder.write("pass", "a passphrase\n")
        chmod(workspace.file("pass"), 0o644)
        let refused = try workspace.refused("insecure-permissions", "key", "encrypt", "--in", "c1/client-key.pem", "--passphrase-file", "pass")
        #expect(refused.error.contains("hint: run `chmod 600 \(workspace.file("pass"))`") || refused.error.contains("hint: run `chmod 600 pass`"), "\(refused.error)")
        #expect(try !PrivateKeyFile.isEncrypted(workspace.file("c1/client-key.pem")))
        chmod(workspace.file("pass"), 0o600)
        try workspace.ok("key", "encrypt", "--in", "c1/client-key.pem", "--passphrase-file", "pass")

        try workspace.ok("server", "init", "--home", "ls", "--name", "Server")
        try workspace.folder.write("token", "an-operator-token-0123456789\n")
        chmod(workspace.file("token"), 0o640)
        try workspace.refused("insecure-permissions", "server", "serve", "--home", "ls", "--listen", "127.0.0.1:0", "--admin-token-file", "token")
    }

    @Test("key encrypt on a symbolic link refuses, leaving the link and its plain target as they were")
    func symlinkedKey() throws {
        let workspace = try CLIWorkspace()
        try workspace.ok("client", "init", "--home", "c1", "--device-id", "PC-1")
        try FileManager.default.createSymbolicLink(atPath: workspace.file("link.pem"), withDestinationPath: workspace.file("c1/client-key.pem"))
        try workspace.folder.write("pass", "a passphrase\n")
        try workspace.refused("file-access", "key", "encrypt", "--in", "link.pem", "--passphrase-file", "pass")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: workspace.file("link.pem")) == workspace.file("c1/client-key.pem"))
        #expect(try !PrivateKeyFile.isEncrypted(workspace.file("c1/client-key.pem")))
        try workspace.ok("client", "request", "--home", "c1", "--out", "c1.csr")
    }

    @Test("A tampered encrypted Ed25519 client key that decrypts to another key is corrupt-key, not a silent new identity")
    func tamperedClientKey() throws {
        let workspace = try CLIWorkspace()
        try workspace.folder.write("pass", "a passphrase\n")
        try workspace.ok("client", "init", "--home", "c1", "--device-id", "PC-1", "--key-type", "ed25519", "--passphrase-file", "pass")
        let path = workspace.file("c1/client-key.pem")
        let document = try PEMDocument(pemString: String(decoding: try workspace.folder.read(path), as: UTF8.self))
        // PKCS #8 of an Ed25519 key: 16 bytes of header, then the 32-byte key. Flipping a bit of
        // the second ciphertext block garbles the key's first half and flips a bit of its second:
        // the header and the padding stay intact, so the file decrypts to a well-formed other key.
        var bytes = document.derBytes
        bytes[bytes.count - 64 + 16 + 3] ^= 0x01
        try workspace.folder.write("c1/client-key.pem", PEMDocument(type: document.discriminator, derBytes: bytes).pemString)
        try workspace.refused("corrupt-key", "client", "request", "--home", "c1", "--out", "c1.csr", "--passphrase-file", "pass")
        #expect(!workspace.exists("c1.csr"))
    }

    @Test("Temporary files left by a killed writer disappear at the next start: in a home, and beside --out")
    func interruptedWrites() throws {
        let workspace = try CLIWorkspace.activated()
        var pid: Int32 = 4_000_000
        while kill(pid, 0) == 0 || errno != ESRCH { pid -= 1 }
        let inHome = try workspace.folder.write("ls/.server-chain.pem.\(pid).42.tmp", "half a chain")
        let inLicenses = try workspace.folder.write("c1/licenses/.Desk.pem.\(pid).43.tmp", "half a license")
        let besideOut = try workspace.folder.write(".cal.pem.\(pid).44.tmp", "half a license")
        for path in [inHome, inLicenses, besideOut] {
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-300)], ofItemAtPath: path)
        }
        try workspace.ok("server", "status", "--home", "ls")
        #expect(!FileManager.default.fileExists(atPath: inHome))
        try workspace.ok("client", "request", "--home", "c1", "--out", "c1-again.csr")
        #expect(!FileManager.default.fileExists(atPath: inLicenses))
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        #expect(!FileManager.default.fileExists(atPath: besideOut))
    }

    @Test("An HTTP error names no source file of CALKit or its dependencies")
    func noSourcePathsOverHTTP() throws {
        let workspace = try CLIWorkspace.activated()
        let service = try RunningService(
            ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0"], in: workspace.folder.path
        )
        defer { service.stop() }
        let bodies = [
            ["csr": "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", "mode": "per-device"],
            ["csr": "-----BEGIN CERTIFICATE REQUEST-----\nMAMCAQE=\n-----END CERTIFICATE REQUEST-----\n", "mode": "per-device"],
            ["csr": "not pem at all", "mode": "per-device"],
        ]
        for (index, body) in bodies.enumerated() {
            let path = try workspace.folder.write("body\(index).json", Array(try JSONSerialization.data(withJSONObject: body)))
            let answer = try ExternalTool.run(
                "/usr/bin/curl",
                ["-s", "--max-time", "20", "-w", " %{http_code}", "-H", "Content-Type: application/json", "--data-binary", "@" + path, service.url + "/v1/licenses"]
            )
            #expect(answer.output.hasSuffix(" 400"), "\(answer.output)")
            #expect(!answer.output.contains(".swift") && !answer.output.contains("ASN1Error."), "\(answer.output)")
        }
    }
}
