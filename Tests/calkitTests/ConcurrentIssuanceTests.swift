import CALTestSupport
import Foundation
import Testing

@Suite("Concurrent calkit processes on one license-server home")
struct ConcurrentIssuanceTests {
    @Test("Twelve concurrent `calkit server issue` processes on a pack of five issue exactly five licenses")
    func processesNeverOversubscribe() async throws {
        let workspace = try CLIWorkspace.activated(seats: 5)
        for index in 0..<12 {
            try workspace.ok("client", "init", "--home", "client\(index)", "--device-id", "PC-\(index)")
            try workspace.ok("client", "request", "--home", "client\(index)", "--out", "client\(index).csr")
        }
        let path = workspace.folder.path
        let results = await withTaskGroup(of: (Int, ProcessResult?).self) { group in
            for index in 0..<12 {
                group.addTask {
                    let result = try? ExternalTool.calkit(
                        ["server", "issue", "--home", "ls", "--request", "client\(index).csr", "--type", "per-device", "--out", "cal\(index).pem", "--json"],
                        in: path
                    )
                    return (index, result)
                }
            }
            var all: [(Int, ProcessResult?)] = []
            for await result in group { all.append(result) }
            return all
        }
        let succeeded = results.filter { $0.1?.status == 0 }
        let refused = results.filter { $0.1?.status == 1 }
        #expect(succeeded.count == 5)
        #expect(refused.count == 7)
        for (_, result) in refused {
            let object = try workspace.json(try #require(result))
            #expect(object["error"] as? String == "no-seat-available", "\(object)")
        }
        var serials = Set<String>()
        var seats = Set<Int>()
        for (index, result) in succeeded {
            #expect(workspace.exists("cal\(index).pem"))
            let object = try workspace.json(try #require(result))
            serials.insert(try #require(object["serial"] as? String))
            seats.insert(try #require(object["seat"] as? Int))
        }
        #expect(serials.count == 5)
        #expect(seats == Set(1...5))
        for (index, _) in refused { #expect(!workspace.exists("cal\(index).pem")) }
        let status = try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))
        let products = try #require(status["products"] as? [[String: Any]])
        let perDevice = try #require(products.first { $0["licenseType"] as? String == "per-device" })
        #expect(perDevice["issued"] as? Int == 5)
        #expect(perDevice["free"] as? Int == 0)
    }

    @Test("Issuance goes on while another process completes a key rotation: every concurrent issue succeeds, under one key or the other")
    func issuanceDuringRotation() async throws {
        let workspace = try CLIWorkspace.activated(seats: 30)
        for index in 0..<16 {
            try workspace.ok("client", "init", "--home", "client\(index)", "--device-id", "PC-\(index)")
            try workspace.ok("client", "request", "--home", "client\(index)", "--out", "client\(index).csr")
        }
        try workspace.ok("server", "rotate", "--home", "ls")
        try workspace.ok("clearinghouse", "activate", "--home", "ch", "--request", "ls/activation-request.pem", "--out", "chain2.pem")
        let path = workspace.folder.path
        let results = await withTaskGroup(of: (Int, ProcessResult?).self) { group in
            group.addTask { (-1, try? ExternalTool.calkit(["server", "install-certificate", "--home", "ls", "chain2.pem"], in: path)) }
            for index in 0..<16 {
                group.addTask {
                    let arguments = ["server", "issue", "--home", "ls", "--request", "client\(index).csr", "--type", "per-device", "--out", "cal\(index).pem", "--json"]
                    return (index, try? ExternalTool.calkit(arguments, in: path))
                }
            }
            var all: [(Int, ProcessResult?)] = []
            for await result in group { all.append(result) }
            return all
        }
        for (index, result) in results {
            #expect(result?.status == 0, "process \(index): \(result?.error ?? "did not run")")
        }
        var serials = Set<String>()
        for index in 0..<16 {
            try workspace.ok("verify", "cal\(index).pem", "--trust", "ch/root.pem")
            serials.insert(try workspace.serial(of: "cal\(index).pem"))
        }
        #expect(serials.count == 16)
        try workspace.ok("server", "audit", "--home", "ls", "--verify")
    }
}
