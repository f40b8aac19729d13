import CALCore
import CALTestSupport
import Foundation
import Testing

@Suite("Reading PEM files")
struct PEMBundleTests {
    let certificatePEM: String

    init() throws {
        certificatePEM = String(decoding: try Data(contentsOf: URL(fileURLWithPath: ExternalTool.repositoryRoot + "/certs/root.pem")), as: UTF8.self)
    }

    @Test("A certificate PEM with any base64 line length reads the same")
    func lineLengths() throws {
        let folder = try TemporaryFolder()
        let original = try PEMBundle.certificates(in: certificatePEM, path: "root.pem")
        let body = certificatePEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        var rewrapped = "-----BEGIN CERTIFICATE-----\n"
        var rest = Substring(body)
        while !rest.isEmpty {
            rewrapped += rest.prefix(76) + "\n"
            rest = rest.dropFirst(76)
        }
        rewrapped += "-----END CERTIFICATE-----\n"
        let path = try folder.write("wrapped.pem", "some text before\n" + rewrapped)
        #expect(try PEMBundle.certificates(at: path) == original)
    }

    @Test(
        "Empty, binary, truncated and mislabelled files are clear errors",
        arguments: [
            ("empty", ""),
            ("no PEM", "hello world\n"),
            ("truncated", "-----BEGIN CERTIFICATE-----\nMIIB\n"),
            ("bad base64", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"),
            ("mismatched labels", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n"),
            ("not DER inside", "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n"),
        ]
    )
    func malformed(name: String, text: String) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("bad.pem", text)
        #expect(thrownCode { _ = try PEMBundle.certificates(at: path) } == "malformed")
    }

    @Test("Binary garbage is refused as not text")
    func binary() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("garbage.bin", [0xFF, 0xFE, 0x00, 0x80, 0xC3])
        #expect(thrownCode { _ = try PEMBundle.certificates(at: path) } == "malformed")
    }

    @Test("A request file is the wrong kind for certificates, and the reverse")
    func wrongKind() throws {
        let request = ExternalTool.repositoryRoot + "/certs/per-device.csr"
        let certificate = ExternalTool.repositoryRoot + "/certs/root.pem"
        #expect {
            try PEMBundle.certificates(at: request)
        } throws: { error in
            (error as? CALError)?.code == .wrongKind
        }
        #expect {
            try PEMBundle.request(at: certificate)
        } throws: { error in
            (error as? CALError)?.code == .wrongKind
        }
    }

    @Test("A missing file is file-not-found")
    func missing() {
        #expect(throws: CALError.fileNotFound(path: "/nonexistent/calkit.pem")) {
            try PEMBundle.certificates(at: "/nonexistent/calkit.pem")
        }
    }
}
