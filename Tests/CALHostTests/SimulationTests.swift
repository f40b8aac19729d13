import CALClient
import CALCore
import CALHost
import CALLicenseServer
import CALStore
import CALTestSupport
import Foundation
import Testing

@Suite("200 simulated days of a per-device site")
struct SimulationTests {
    @Test("30 clients, 20 seats, some clients stop logging on: seats flow back and are never oversubscribed")
    func twoHundredDays() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 20)], time: clock)
        let host = try deployment.host("host", mode: .perDevice, product: Deployment.product, time: clock)
        let clients = try (0..<30).map { try deployment.client("PC-\($0)") }
        // Clients 20–29 stop logging on at day 60, clients 10–14 at day 120; the rest keep coming.
        func active(_ index: Int, day: Int) -> Bool {
            if index >= 20 { return day < 60 }
            if (10..<15).contains(index) { return day < 120 }
            return true
        }
        var generator = SplitMix(state: 2002)
        let start = clock.now
        var counts: [String: Int] = [:]
        for day in stride(from: 0, to: 200, by: 2) {
            clock.now = start.addingTimeInterval(Double(day) * 86_400)
            for (index, client) in clients.enumerated() where active(index, day: day) && Int.random(in: 0..<3, using: &generator) > 0 {
                let decision = try await host.logon(client, user: nil, source: deployment.server)
                counts[decision.description.split(separator: " ").prefix(2).joined(separator: " "), default: 0] += 1
            }
            // Invariants, every simulated day.
            let report = try #require(try deployment.server.report().first { $0.licenseType == .perDevice })
            #expect(report.seatsFree >= 0 && report.seatsFree <= 20)
            #expect(report.permanentActive <= 20)
            for client in clients {
                let holding = try deployment.server.currentLicenses(of: .device(client.deviceID)).filter { $0.status == .permanent }
                #expect(holding.count <= 1, "\(client.deviceID) holds \(holding.count) permanent CALs on day \(day)")
            }
        }
        let report = try #require(try deployment.server.report().first { $0.licenseType == .perDevice })
        #expect(report.seatsReclaimed > 0, "seats of clients that stopped came back")
        #expect((counts["allowed licensed"] ?? 0) > 0)
        #expect((counts["allowed temporary"] ?? 0) > 0)
    }
}
