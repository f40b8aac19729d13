import CALTestSupport
import Foundation
import Testing

@Suite("The CLI end to end")
struct WorkflowTests {
    @Test("The whole job works from the command line, and --json output parses")
    func endToEnd() throws {
        let workspace = try CLIWorkspace()
        let clearinghouse = try workspace.json(try workspace.ok("clearinghouse", "init", "--home", "ch", "--json"))
        #expect(clearinghouse["root"] as? String == "ch/root.pem")
        let server = try workspace.json(try workspace.ok("server", "init", "--home", "ls", "--name", "S", "--json"))
        let serverID = try #require(server["serverID"] as? String)
        #expect(serverID.count == 35)
        let activation = try workspace.json(
            try workspace.ok("clearinghouse", "activate", "--home", "ch", "--request", "ls/activation-request.pem", "--out", "chain.pem", "--json")
        )
        #expect(activation["serverID"] as? String == serverID)
        try workspace.ok("server", "install-certificate", "--home", "ls", "chain.pem")
        let pack = try workspace.json(
            try workspace.ok(
                "clearinghouse", "issue-pack", "--home", "ch", "--server-certificate", "chain.pem", "--type", "per-device",
                "--count", "2", "--product", "Desk", "--product-version", "7", "--agreement", "A-9", "--out", "p.keypack", "--json"
            )
        )
        #expect((pack["keyPackID"] as? String)?.count == 35)
        #expect(pack["licenseServerID"] as? String == serverID)
        try workspace.ok("server", "install-pack", "--home", "ls", "p.keypack")
        try workspace.ok("client", "init", "--home", "c", "--device-id", "PC-9", "--key-type", "p384")
        try workspace.ok("client", "request", "--home", "c", "--out", "c.csr")
        let issued = try workspace.json(
            try workspace.ok("server", "issue", "--home", "ls", "--request", "c.csr", "--type", "per-device", "--out", "cal.pem", "--json")
        )
        #expect((issued["serial"] as? String)?.count == 32)
        #expect(issued["seat"] as? Int == 1)
        #expect(issued["productVersion"] as? String == "7")
        try workspace.ok("client", "install", "--home", "c", "cal.pem")
        let verified = try workspace.ok("client", "verify", "--home", "c", "--trust", "ch/root.pem", "--product", "Desk")
        #expect(verified.output.hasPrefix("valid: permanent per-device license of Desk for PC-9"))
        let single = try workspace.json(
            try workspace.ok("verify", "cal.pem", "--trust", "ch/root.pem", "--chain", "ls/server-chain.pem", "--device-id", "PC-9", "--json")
        )
        #expect(single["valid"] as? Bool == true)
        let status = try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))
        let products = try #require(status["products"] as? [[String: Any]])
        #expect(products.first?["total"] as? Int == 2)
        #expect(products.first?["issued"] as? Int == 1)
        #expect(products.first?["free"] as? Int == 1)
        let inspected = try JSONSerialization.jsonObject(with: Data(try workspace.ok("inspect", "cal.pem", "--json").output.utf8))
        let certificates = try #require(inspected as? [[String: String]])
        #expect(certificates.count == 2)
        #expect(certificates[0]["licenseType"] == "per-device")
        #expect(certificates[0]["issuingServerId"] == serverID)
        #expect(certificates[1]["role"] == "license server")
    }

    @Test("inspect names every kind of artefact and every license-extension field")
    func inspect() throws {
        let workspace = try CLIWorkspace.activated()
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        let license = try workspace.ok("inspect", "cal.pem")
        for field in ["license type:", "license status:", "product:", "product version:", "issuing server id:", "subject hash:", "key pack id:", "not after:", "serial:", "issuer:"] {
            #expect(license.output.contains(field), "missing \(field)")
        }
        #expect(license.output.contains("certificate 2 of 2"))
        #expect(try workspace.ok("inspect", "c1.csr").output.contains("client license request"))
        #expect(try workspace.ok("inspect", "ls/activation-request.pem").output.contains("license-server activation"))
        #expect(try workspace.ok("inspect", "device.keypack").output.contains("key-pack"))
        #expect(try workspace.ok("inspect", "ch/root.pem").output.contains("clearinghouse root"))
        let key = try workspace.ok("inspect", "c1/client-key.pem")
        #expect(key.output.contains("never printed"))
        let json = try workspace.json(try workspace.ok("inspect", "device.keypack", "--json"))
        #expect(json["count"] as? String == "2")
        #expect(json["kind"] as? String == "key-pack")
    }

    @Test("Without --device-id a client gets a stable id derived from this machine")
    func defaultDeviceID() throws {
        let workspace = try CLIWorkspace()
        let first = try workspace.json(try workspace.ok("client", "init", "--home", "a", "--json"))
        let second = try workspace.json(try workspace.ok("client", "init", "--home", "b", "--json"))
        let id = try #require(first["deviceID"] as? String)
        #expect(id.count == 35)
        #expect(second["deviceID"] as? String == id)
    }

    @Test("inspect reads DER as well as PEM")
    func inspectDER() throws {
        let workspace = try CLIWorkspace.activated()
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        let der = try ExternalTool.openssl(["x509", "-in", workspace.file("cal.pem"), "-outform", "DER", "-out", workspace.file("cal.der")])
        #expect(der.status == 0)
        let csr = try ExternalTool.openssl(["req", "-in", workspace.file("c1.csr"), "-outform", "DER", "-out", workspace.file("c1.der")])
        #expect(csr.status == 0)
        #expect(try workspace.ok("inspect", "cal.der").output.contains("role:              client license"))
        #expect(try workspace.ok("inspect", "c1.der").output.contains("client license request"))
    }

    @Test("Private keys are written with mode 0600 and never printed")
    func keyFiles() throws {
        let workspace = try CLIWorkspace.activated()
        for key in ["ch/root-key.pem", "ch/signer-key.pem", "ls/server-key.pem", "c1/client-key.pem"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: workspace.file(key))
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(key)")
        }
    }

    @Test("A second init in the same home is refused and changes nothing")
    func initTwice() throws {
        let workspace = try CLIWorkspace.activated()
        let before = try workspace.folder.read("ch/root.pem")
        try workspace.refused("already-initialized", "clearinghouse", "init", "--home", "ch")
        try workspace.refused("already-initialized", "server", "init", "--home", "ls", "--name", "X")
        try workspace.refused("already-initialized", "client", "init", "--home", "c1")
        #expect(try workspace.folder.read("ch/root.pem") == before)
        try workspace.refused("invalid-argument", "server", "status", "--home", "ch")
        try workspace.refused("not-initialized", "server", "status", "--home", "nowhere")
    }
}
