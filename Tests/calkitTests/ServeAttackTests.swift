import CALCore
import CALTestSupport
import Foundation
import Testing

@Suite("Cheating the license server over HTTP gets nothing")
struct ServeAttackTests {
    func curl(_ arguments: [String]) throws -> ProcessResult {
        try ExternalTool.run("/usr/bin/curl", ["-s", "--max-time", "20"] + arguments)
    }

    func post(_ url: String, _ object: [String: String], in workspace: CLIWorkspace, as name: String) throws -> ProcessResult {
        let body = try workspace.folder.write(name, Array(try JSONSerialization.data(withJSONObject: object)))
        return try curl(["-w", " %{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@" + body, url])
    }

    @Test("Renewal by a stranger's key is 403 no-proof-of-possession; a forged presented license is 403 untrusted-license; GET /v1/packs serves the signed packs")
    func overHTTP() throws {
        let workspace = try CLIWorkspace.activated(seats: 2, simulatedClock: true)
        let issued = try workspace.json(
            try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem", "--json")
        )
        let serial = try #require(issued["serial"] as? String)
        let notAfterText = try #require(issued["notAfter"] as? String)
        let notAfter = try #require(ISO8601DateFormatter().date(from: notAfterText))
        let service = try RunningService(
            ExternalTool.calkitPath,
            ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0", "--now", ISO8601DateFormatter().string(from: notAfter.addingTimeInterval(-2 * 86_400))],
            in: workspace.folder.path
        )
        defer { service.stop() }

        // The thief knows the serial and the device id, not the key.
        let thiefCSR = try ClientLicenseRequest.make(for: .device("PC-1"), key: try KeyType.p256.generate()).serializeAsPEM().pemString
        let stolen = try post(service.url + "/v1/licenses/\(serial)/renew", ["csr": thiefCSR], in: workspace, as: "thief.json")
        #expect(stolen.output.hasSuffix(" 403") && stolen.output.contains("no-proof-of-possession"), "\(stolen.output)")

        // The victim's own key renews.
        let ownCSR = String(decoding: try workspace.folder.read("c1.csr"), as: UTF8.self)
        let renewed = try post(service.url + "/v1/licenses/\(serial)/renew", ["csr": ownCSR], in: workspace, as: "own.json")
        #expect(renewed.output.hasSuffix(" 200"), "\(renewed.output)")

        // A license altered by one byte (so its signature fails) presented with another device's request.
        let license = String(decoding: try workspace.folder.read("cal.pem"), as: UTF8.self)
        let tampered = workspace.file("tampered.pem")
        try Tampering.flipCertificateByte(in: workspace.file("cal.pem"), to: tampered, needle: "Desk")
        _ = try workspace.firstCertificate(of: "tampered.pem", to: "tampered-leaf.pem")
        let forged = String(decoding: try workspace.folder.read("tampered-leaf.pem"), as: UTF8.self)
        #expect(forged != license)
        let evilCSR = try ClientLicenseRequest.make(for: .device("PC-1"), key: try KeyType.p256.generate()).serializeAsPEM().pemString
        let presented = try post(
            service.url + "/v1/licenses", ["csr": evilCSR, "mode": "per-device", "product": "Desk", "presented": forged], in: workspace,
            as: "forged.json"
        )
        #expect(presented.output.hasSuffix(" 403") && presented.output.contains("untrusted-license"), "\(presented.output)")

        let packs = try curl([service.url + "/v1/packs"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(packs.output.utf8)) as? [String: [String]])
        #expect(object["packs"]?.count == 2)
        let first = try #require(object["packs"]?.first.flatMap { Data(base64Encoded: $0) })
        _ = try workspace.folder.write("served.keypack", Array(first))
        let verified = try ExternalTool.openssl([
            "cms", "-verify", "-inform", "DER", "-in", workspace.file("served.keypack"), "-CAfile", workspace.file("ch/root.pem"),
            "-out", "/dev/null",
        ])
        #expect(verified.status == 0, "\(verified.error)")
    }
}
