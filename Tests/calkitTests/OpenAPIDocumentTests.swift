import CALCore
import CALTestSupport
import Foundation
import Testing

@Suite("docs/openapi.yaml and docs/openapi-clearinghouse.yaml describe the services as they run")
struct OpenAPIDocumentTests {
    /// The license server's document, then the clearinghouse's.
    static let documents = ["/docs/openapi.yaml", "/docs/openapi-clearinghouse.yaml"].map { ExternalTool.repositoryRoot + $0 }

    /// Both services on free ports, with an operator token, an enrolled host's credential and
    /// limits high enough that a conformance run reaches the bodies instead of 429.
    struct Services {
        let workspace: CLIWorkspace
        let server: RunningService
        let clearinghouse: RunningService
        let token = "an-operator-token-for-schemathesis"
        let credential: String

        init() throws {
            workspace = try CLIWorkspace.activated(seats: 3)
            _ = try workspace.folder.write("token", token + "\n")
            try workspace.ok("server", "add-host", "--home", "ls", "--name", "conformance", "--out", "host.credential")
            credential = try String(contentsOfFile: workspace.file("host.credential"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            server = try RunningService(
                ExternalTool.calkitPath,
                ["server", "serve", "--home", "ls", "--listen", "127.0.0.1:0", "--admin-token-file", "token", "--rate-limit", "100000/min",
                 "--subject-rate-limit", "100000/min"],
                in: workspace.folder.path
            )
            clearinghouse = try RunningService(
                ExternalTool.calkitPath,
                ["clearinghouse", "serve", "--home", "ch", "--listen", "127.0.0.1:0", "--operator-token-file", "token", "--rate-limit", "100000/min"],
                in: workspace.folder.path
            )
        }

        func stop() {
            _ = server.stop()
            _ = clearinghouse.stop()
        }
    }

    @Test("Every documented path and method is routed by its service (never not-found or method-not-allowed), and both documents parse as OpenAPI 3.1")
    func documentMatchesServices() throws {
        let services = try Services()
        defer { services.stop() }
        let script = """
            import sys, yaml
            d = yaml.safe_load(open(sys.argv[1]))
            assert d["openapi"].startswith("3.1"), d["openapi"]
            for path, item in d["paths"].items():
                for method in item:
                    print(method.upper(), path)
            """
        var total = 0
        for (document, service) in zip(Self.documents, [services.server, services.clearinghouse]) {
            let listed = try ExternalTool.python(["-c", script, document])
            #expect(listed.status == 0, "\(listed.error)")
            let operations = listed.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            total += operations.count
            for operation in operations {
                let path = operation[1].replacingOccurrences(of: "{serial}", with: "00ff").replacingOccurrences(of: "{request}", with: "AAAA")
                let answer = try ExternalTool.run("/usr/bin/curl", ["-s", "--max-time", "20", "-X", operation[0], service.url + path])
                #expect(
                    !answer.output.contains("\"error\":\"not-found\"") && !answer.output.contains("\"error\":\"method-not-allowed\""),
                    "\(operation[0]) \(path) is documented but \(service.url) does not route it: \(answer.output)"
                )
            }
        }
        #expect(total == 19)
    }

    @Test("schemathesis, every check, against both documents and both running services: no failure, no error, no 500")
    func schemathesisFindsNothing() throws {
        let services = try Services()
        defer { services.stop() }
        let folder = ExternalTool.repositoryRoot + "/Tests/Schemathesis"
        for (document, service) in zip(Self.documents, [services.server, services.clearinghouse]) {
            // One worker: schemathesis's coverage phase compiles patterns on threads, which trips a CPython 3.11 bug.
            let run = try ExternalTool.run(
                ExternalTool.venvBin + "/schemathesis",
                ["--config-file", folder + "/schemathesis.toml", "run", document, "--url", service.url, "--checks", "all", "--max-examples", "40",
                 "--workers", "1", "--no-color", "--seed", "20261201"],
                // schemathesis keeps a cache in its working folder: the workspace, never the repository.
                in: services.workspace.folder.path,
                environment: [
                    "CALKIT_OPERATOR_TOKEN": services.token, "CALKIT_HOST_CREDENTIAL": services.credential, "PYTHONPATH": folder,
                    "SCHEMATHESIS_HOOKS": "hooks",
                ]
            )
            #expect(run.status == 0, "\(document):\n\(run.output.suffix(6000))\n\(run.error.suffix(2000))")
            #expect(run.output.contains(" passed"), "\(run.output.suffix(2000))")
            #expect(!service.log.contains("status=500"), "a 500 in \(service.url)'s log")
        }
    }

    @Test("The documents' error codes are exactly CALKit's published codes")
    func errorCodesMatch() throws {
        let script = """
            import sys, yaml
            d = yaml.safe_load(open(sys.argv[1]))
            print("\\n".join(d["components"]["schemas"]["Error"]["properties"]["error"]["enum"]))
            """
        for document in Self.documents {
            let listed = try ExternalTool.python(["-c", script, document])
            #expect(listed.status == 0, "\(listed.error)")
            let documented = listed.output.split(separator: "\n").map(String.init)
            #expect(documented == CALError.Code.allCases.map(\.rawValue), "\(document)")
        }
    }
}
