import CALTestSupport
import Foundation
import Testing

@Suite("Encrypted keys from the command line")
struct EncryptedKeyCommandTests {
    /// Whether a file in the workspace is an encrypted PKCS #8 key with mode 0600.
    private func isEncryptedKey(_ workspace: CLIWorkspace, _ name: String) throws -> Bool {
        let text = String(decoding: try workspace.folder.read(name), as: UTF8.self)
        let attributes = try FileManager.default.attributesOfItem(atPath: workspace.file(name))
        return text.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----") && (attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600
    }

    @Test("Every role runs with encrypted keys; without the passphrase or with a wrong one it stops with a clear error")
    func everyRoleEncrypted() throws {
        var workspace = try CLIWorkspace()
        workspace.environment = ["CALKIT_PASSPHRASE": "the operators' secret"]
        try workspace.ok("clearinghouse", "init", "--home", "ch")
        try workspace.ok("server", "init", "--home", "ls", "--name", "Server")
        try workspace.ok("client", "init", "--home", "c1", "--device-id", "PC-1")
        for key in ["ch/root-key.pem", "ch/signer-key.pem", "ls/server-key.pem", "c1/client-key.pem"] {
            #expect(try isEncryptedKey(workspace, key), "\(key) is not encrypted")
        }
        try workspace.ok("clearinghouse", "activate", "--home", "ch", "--request", "ls/activation-request.pem", "--out", "chain.pem")
        try workspace.ok("server", "install-certificate", "--home", "ls", "chain.pem")
        try workspace.ok(
            "clearinghouse", "issue-pack", "--home", "ch", "--server-certificate", "ls/server-chain.pem", "--type", "per-device",
            "--count", "2", "--product", "Desk", "--agreement", "A-1", "--out", "device.keypack"
        )
        try workspace.ok("server", "install-pack", "--home", "ls", "device.keypack")
        try workspace.ok("host", "init", "--home", "h", "--mode", "per-device", "--license-server-home", "ls")
        try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1")
        try workspace.ok("client", "request", "--home", "c1", "--out", "c1.csr")
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        try workspace.ok("client", "install", "--home", "c1", "cal.pem")
        try workspace.ok("server", "crl", "--home", "ls", "--out", "ls.crl")
        // Keys made by rotations are encrypted too, and retired keys stay readable for what they still sign.
        try workspace.ok("server", "rotate", "--home", "ls")
        #expect(try isEncryptedKey(workspace, "ls/pending-key.pem"))
        try workspace.ok("clearinghouse", "activate", "--home", "ch", "--request", "ls/activation-request.pem", "--out", "chain2.pem")
        try workspace.ok("server", "install-certificate", "--home", "ls", "chain2.pem")
        let status = try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))
        let retired = try #require((status["issuers"] as? [[String: Any]])?.first?["keyID"] as? String)
        try workspace.ok("server", "crl", "--home", "ls", "--issuer", retired, "--out", "retired.crl")
        try workspace.ok("client", "rotate", "--home", "c1")
        try workspace.ok("clearinghouse", "rotate", "--home", "ch")
        for key in ["ch/root-key.pem", "ch/signer-key.pem", "ls/server-key.pem", "c1/client-key.pem"] {
            #expect(try isEncryptedKey(workspace, key), "\(key) is not encrypted after rotation")
        }
        try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1")

        // The same passphrase from a file works as the environment variable did.
        var fromFile = workspace
        fromFile.environment = [:]
        _ = try fromFile.folder.write("pass", "the operators' secret\n")
        try fromFile.ok("server", "crl", "--home", "ls", "--passphrase-file", "pass", "--out", "ls2.crl")
        try fromFile.refused("passphrase-required", "server", "crl", "--home", "ls", "--out", "ls3.crl")
        try fromFile.refused("passphrase-required", "clearinghouse", "crl", "--home", "ch", "--out", "root.crl")
        try fromFile.refused("passphrase-required", "client", "request", "--home", "c1", "--out", "c2.csr")
        // A wrong passphrase on the host's logon is reported, not mistaken for an unreachable server.
        _ = try fromFile.folder.write("wrong", "guess\n")
        try fromFile.refused("wrong-passphrase", "host", "logon", "--home", "h", "--client-home", "c1", "--passphrase-file", "wrong")
        #expect(!fromFile.exists("ls3.crl") && !fromFile.exists("root.crl"))
    }

    @Test("calkit key encrypt, passwd and decrypt convert a key OpenSSL made, in place and to a new file")
    func keyVerbs() throws {
        let workspace = try CLIWorkspace()
        _ = try workspace.folder.write("one", "first passphrase\n")
        _ = try workspace.folder.write("two", "second passphrase\n")
        expectOpenSSL(try ExternalTool.openssl(["genpkey", "-algorithm", "ED25519", "-out", workspace.file("key.pem")]))
        let publicKey = try ExternalTool.openssl(["pkey", "-in", workspace.file("key.pem"), "-pubout"]).output

        try workspace.refused("invalid-argument", "key", "encrypt", "--in", "key.pem")
        try workspace.ok("key", "encrypt", "--in", "key.pem", "--passphrase-file", "one", "--kdf", "scrypt")
        #expect(try isEncryptedKey(workspace, "key.pem"))
        let opened = try ExternalTool.openssl(["pkey", "-in", workspace.file("key.pem"), "-passin", "file:" + workspace.file("one"), "-pubout"])
        #expect(opened.output == publicKey)
        try workspace.refused("invalid-argument", "key", "encrypt", "--in", "key.pem", "--passphrase-file", "one")

        try workspace.refused("wrong-passphrase", "key", "passwd", "--in", "key.pem", "--passphrase-file", "two", "--new-passphrase-file", "one")
        try workspace.ok("key", "passwd", "--in", "key.pem", "--passphrase-file", "one", "--new-passphrase-file", "two")
        #expect(try isEncryptedKey(workspace, "key.pem"))
        #expect(try ExternalTool.openssl(["pkey", "-in", workspace.file("key.pem"), "-passin", "file:" + workspace.file("one"), "-noout"]).status != 0)

        try workspace.refused("wrong-passphrase", "key", "decrypt", "--in", "key.pem", "--passphrase-file", "one", "--out", "plain.pem")
        #expect(!workspace.exists("plain.pem"))
        try workspace.ok("key", "decrypt", "--in", "key.pem", "--passphrase-file", "two", "--out", "plain.pem")
        #expect(try ExternalTool.openssl(["pkey", "-in", workspace.file("plain.pem"), "-pubout"]).output == publicKey)
        let mode = try FileManager.default.attributesOfItem(atPath: workspace.file("plain.pem"))[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        try workspace.refused("file-access", "key", "decrypt", "--in", "key.pem", "--passphrase-file", "two", "--out", "plain.pem")
        try workspace.refused("file-not-found", "key", "decrypt", "--in", "missing.pem", "--passphrase-file", "two")
        try workspace.refused("wrong-kind", "key", "encrypt", "--in", ExternalTool.repositoryRoot + "/certs/root.pem", "--passphrase-file", "two", "--out", "x.pem")
    }

    private func expectOpenSSL(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 0, "\(result.error)", sourceLocation: sourceLocation)
    }
}
