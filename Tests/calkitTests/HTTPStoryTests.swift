import CALTestSupport
import Foundation
import Testing

@Suite("The whole story over HTTP: clearinghouse and license server as services")
struct HTTPStoryTests {
    func curl(_ arguments: [String]) throws -> ProcessResult {
        try ExternalTool.run("/usr/bin/curl", ["-s", "--max-time", "20"] + arguments)
    }

    @Test("Automatic activation, a pack through the clearinghouse API, a host logging clients on through the license server, the root CRL with curl and openssl")
    func wholeStory() throws {
        let workspace = try CLIWorkspace()
        _ = try workspace.folder.write("token", "operator-token-for-the-test-0001\n")
        try workspace.ok("clearinghouse", "init", "--home", "ch")
        let clearinghouse = try RunningService(
            ExternalTool.calkitPath, ["clearinghouse", "serve", "--home", "ch", "--listen", "127.0.0.1:0", "--operator-token-file", "token"],
            in: workspace.folder.path
        )
        defer { clearinghouse.stop() }
        try workspace.ok("server", "init", "--home", "ls", "--name", "Networked")
        // A first activation over the network needs the operator's one-time code.
        // The service's own code comes through the client unchanged, with the command line's advice.
        let anonymous = try workspace.refused("activation-code-required", "server", "activate", "--home", "ls", "--clearinghouse", clearinghouse.url)
        #expect(anonymous.error.contains("hint: ask the clearinghouse operator"), "\(anonymous.error)")
        try workspace.refused(
            "activation-code-invalid", "server", "activate", "--home", "ls", "--clearinghouse", clearinghouse.url,
            "--activation-code", "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"
        )
        let issued = try workspace.json(try workspace.ok("clearinghouse", "activation-code", "--home", "ch", "--agreement", "A-1", "--json"))
        let code = try #require(issued["activationCode"] as? String)
        let activated = try workspace.ok(
            "server", "activate", "--home", "ls", "--clearinghouse", clearinghouse.url, "--activation-code", code.lowercased()
        )
        #expect(activated.output.contains("is activated until"))
        try workspace.refused("activation-code-required", "server", "activate", "--home", "ls", "--clearinghouse", clearinghouse.url)
        // The code is spent: a second server cannot use it.
        try workspace.ok("server", "init", "--home", "ls2", "--name", "Second")
        try workspace.refused(
            "activation-code-invalid", "server", "activate", "--home", "ls2", "--clearinghouse", clearinghouse.url, "--activation-code", code
        )
        let audit = try workspace.ok("clearinghouse", "audit", "--home", "ch").output
        #expect(audit.contains("activation-code-issued") && audit.contains("activation-code-used"))
        // Packs are the operator's: without the token the clearinghouse refuses.
        let order = ["--clearinghouse", clearinghouse.url, "--agreement", "A-1", "--type", "per-device", "--count", "2", "--product", "Desk"]
        let anonymousOrder = try workspace.refused("unauthorized", ["server", "install-pack", "--home", "ls"] + order)
        #expect(anonymousOrder.error.contains("hint: give the operator token with --token-file FILE"), "\(anonymousOrder.error)")
        try workspace.ok(["server", "install-pack", "--home", "ls", "--token-file", "token"] + order)

        let server = try RunningService(ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        defer { server.stop() }
        try workspace.ok("server", "add-host", "--home", "ls", "--name", "rdsh-1", "--out", "rdsh-1.credential")
        try workspace.ok(
            "host", "init", "--home", "h", "--mode", "per-device", "--license-server", server.url, "--trust", "ch/root.pem", "--credential",
            "rdsh-1.credential"
        )
        try workspace.ok("client", "init", "--home", "c1", "--device-id", "PC-1")
        #expect(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1").output.contains("allowed temporary"))
        #expect(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1").output.contains("allowed licensed"))

        // Transfers through the operator API; the root CRL through curl.
        let license = try #require(try FileManager.default.contentsOfDirectory(atPath: workspace.file("c1/licenses")).first { $0.hasSuffix(".pem") })
        #expect(try workspace.ok("inspect", "c1/licenses/" + license).output.contains("permanent"))
        do {
            let grant = try curl([
                "-o", workspace.file("grant.der"), "-w", "%{http_code}", "-X", "POST", "-H", "Authorization: Bearer operator-token-for-the-test-0001",
                "-H", "Content-Type: application/x-pem-file", "--data-binary", "@" + workspace.file("c1/licenses/" + license), clearinghouse.url + "/v1/transfers",
            ])
            #expect(grant.output == "201")
            #expect(try workspace.ok("inspect", "grant.der").output.hasPrefix("transfer-grant"))
        }
        let crl = try curl(["-o", workspace.file("root.crl"), "-w", "%{http_code} %{content_type}", clearinghouse.url + "/crl"])
        #expect(crl.output == "200 application/pkix-crl")
        let checked = try ExternalTool.openssl(["crl", "-inform", "DER", "-in", workspace.file("root.crl"), "-CAfile", workspace.file("ch/root.pem"), "-noout"])
        #expect(checked.error.contains("verify OK"))
        let garbage = try curl(["-w", " %{http_code}", "-X", "POST", "-H", "Content-Type: application/pkcs10", "--data", "not a csr", clearinghouse.url + "/v1/activations"])
        #expect(garbage.output.hasSuffix(" 400"))
        #expect(clearinghouse.stop() == 0 && server.stop() == 0)
    }
}
