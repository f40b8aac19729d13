import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server report`: usage per product and license type.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report usage per product and type: purchased, issued, active, temporary, free, reclaimed, users.",
        discussion: """
            Issuance, reclaimed seats and distinct users count within --from and --to (all time \
            without them); active licenses and free seats are as of now. Per-user products whose \
            distinct users exceed the purchased count are flagged as over-used.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("Start of the period (ISO 8601).", valueName: "date")) var from: Instant?
    @Option(help: ArgumentHelp("End of the period (ISO 8601), exclusive.", valueName: "date")) var to: Instant?
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "Print the report as CSV.") var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("choose --json or --csv, not both") }
    }

    func run() throws {
        let rows = try home.licenseServer().report(from: from?.date, to: to?.date)
        if json {
            Output.json(rows)
            return
        }
        let header = [
            "product", "type", "purchased", "issued", "active", "temporary", "free", "reclaimed", "users", "over-use",
        ]
        let table = rows.map { row in
            [
                row.product, row.licenseType.rawValue, String(row.purchased), String(row.permanentIssued), String(row.permanentActive),
                String(row.temporaryOutstanding), String(row.seatsFree), String(row.seatsReclaimed),
                row.licenseType == .perUser ? String(row.distinctUsers) : "", row.overUse ? "yes" : "",
            ]
        }
        if csv {
            for line in [header] + table { print(line.map(Self.csvField).joined(separator: ",")) }
            return
        }
        if rows.isEmpty {
            print("no packs installed and no licenses issued")
            return
        }
        let widths = header.indices.map { column in ([header] + table).map { $0[column].count }.max() ?? 0 }
        for line in [header] + table {
            let padded = line.indices.map { line[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
            print(String(padded.reversed().drop(while: { $0 == " " }).reversed()))
        }
    }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
