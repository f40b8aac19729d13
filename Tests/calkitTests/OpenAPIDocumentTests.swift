import CALCore
import CALTestSupport
import Foundation
import Testing

@Suite("docs/openapi.yaml describes the services as they run")
struct OpenAPIDocumentTests {
    @Test("Every documented path and method is routed by a running service (never the not-found error), and the document parses as OpenAPI 3.1")
    func documentMatchesServices() throws {
        let document = ExternalTool.repositoryRoot + "/docs/openapi.yaml"
        let script = """
            import sys, yaml
            d = yaml.safe_load(open(sys.argv[1]))
            assert d["openapi"].startswith("3.1"), d["openapi"]
            for path, item in d["paths"].items():
                for method in item:
                    print(method.upper(), path)
            """
        let listed = try ExternalTool.python(["-c", script, document])
        #expect(listed.status == 0, "\(listed.error)")
        let operations = listed.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(operations.count == 14)

        let workspace = try CLIWorkspace.activated(seats: 1)
        let server = try RunningService(ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        defer { server.stop() }
        let clearinghouse = try RunningService(ExternalTool.calkitPath, ["clearinghouse", "serve", "--home", "ch", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        defer { clearinghouse.stop() }
        for operation in operations {
            let method = operation[0]
            let path = operation[1].replacingOccurrences(of: "{serial}", with: "00ff").replacingOccurrences(of: "{request}", with: "AAAA")
            var routed = false
            for service in [server, clearinghouse] {
                let answer = try ExternalTool.run("/usr/bin/curl", ["-s", "--max-time", "20", "-X", method, service.url + path])
                if !answer.output.contains("\"error\":\"not-found\"") && !answer.output.contains("\"error\":\"method-not-allowed\"") { routed = true }
            }
            #expect(routed, "\(method) \(path) is documented but no service routes it")
        }
    }

    @Test("The document's error codes are exactly CALKit's published codes")
    func errorCodesMatch() throws {
        let script = """
            import sys, yaml
            d = yaml.safe_load(open(sys.argv[1]))
            print("\\n".join(d["components"]["schemas"]["Error"]["properties"]["error"]["enum"]))
            """
        let listed = try ExternalTool.python(["-c", script, ExternalTool.repositoryRoot + "/docs/openapi.yaml"])
        #expect(listed.status == 0, "\(listed.error)")
        let documented = listed.output.split(separator: "\n").map(String.init)
        #expect(documented == CALError.Code.allCases.map(\.rawValue))
    }
}
