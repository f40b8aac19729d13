import ArgumentParser
import CALCore
import CALHost
import Foundation

/// `calkit host status`: mode, grace period, license server, decisions.
struct HostStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the host's mode, grace period, license server and logons by decision."
    )

    @OptionGroup var home: HomeOption
    @Flag(help: "Print the result as JSON.") var json = false

    struct Report: Encodable {
        var mode: String
        var product: String?
        var licenseServer: String
        var licenseServerIDs: [String]
        var graceStartedAt: Date?
        var graceEndsAt: Date?
        var graceDaysLeft: Int
        var graceEndedBecause: String?
        var decisions: [String: Int]
    }

    func run() throws {
        let time = try home.time()
        let host = try home.sessionHost()
        let grace = try host.gracePeriod()
        let now = time.now
        let report = Report(
            mode: try host.mode().rawValue, product: try host.product(), licenseServer: try host.licenseServer(),
            licenseServerIDs: try host.licenseServerIDs(),
            graceStartedAt: grace.startedAt, graceEndsAt: grace.endsAt, graceDaysLeft: grace.daysLeft(at: now),
            graceEndedBecause: grace.endReason(at: now), decisions: try host.decisionCounts()
        )
        if json {
            Output.json(report)
            return
        }
        print("mode: \(report.mode)" + (report.product.map { ", product \($0)" } ?? ""))
        if report.licenseServer.isEmpty {
            print("license server: none bound (`calkit host set-license-server`); the grace period decides")
        } else {
            print("license server: \(report.licenseServerIDs.joined(separator: ", ")) at \(report.licenseServer)")
        }
        if let reason = report.graceEndedBecause {
            print("grace period: ended (\(reason))")
        } else if let started = grace.startedAt, let ends = grace.endsAt {
            print("grace period: started \(Output.date(started)), ends \(Output.date(ends)), \(report.graceDaysLeft) day(s) left")
        } else {
            print("grace period: not started (starts at the first accepted connection)")
        }
        for (decision, count) in report.decisions.sorted(by: { $0.key < $1.key }) {
            print("  \(decision): \(count)")
        }
    }
}
