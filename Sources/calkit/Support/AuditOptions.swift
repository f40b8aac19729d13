import ArgumentParser
import CALCore
import SwiftASN1

/// `--verify`, `--expect-head`, `--head` and `--json` of the `audit` verbs, and what they print;
/// one implementation for every role that keeps an audit log.
struct AuditOptions: ParsableArguments {
    @Flag(
        help: """
            Check the log: its hash chain, and that it matches the ledger (every license, revocation, transfer and pack \
            has its event, and every event its row); exit 1 naming the first thing that does not hold.
            """
    )
    var verify = false
    @Option(
        help: ArgumentHelp(
            "With --verify: a head printed earlier by --head; the log must still hold it, which proves no entry was cut since.",
            valueName: "file"
        )
    )
    var expectHead: String?
    @Flag(help: "Print the log's head signed by the role's key (PEM CMS); keep it elsewhere for --verify --expect-head.")
    var head = false
    @Flag(help: "Print the entries (or the verification result) as JSON.") var json = false

    /// Lists, verifies or signs the head of `ledger`'s log, as the flags say.
    func run(on ledger: some AuditedLedger) async throws {
        guard !(head && verify) else { throw CALError.invalidArgument("--head and --verify are separate steps; give one") }
        guard expectHead == nil || verify else { throw CALError.invalidArgument("--expect-head goes with --verify") }
        if head {
            print(PEMDocument(type: "CMS", derBytes: try ledger.signedAuditHead()).pemString)
            return
        }
        if verify {
            let expected = try expectHead.map { try SecureFile.read($0) }
            let result = try await ledger.verifyAudit(expectedHead: expected)
            if json {
                Output.json(VerifiedLog(entries: result.entries, head: result.head, expectedHeadSequence: result.expectedHeadSequence))
            } else {
                let kept = result.expectedHeadSequence.map { ", and it still holds the signed head at entry \($0)" } ?? ""
                print("The audit log is whole and matches the ledger: \(result.entries) entries, head \(result.head)\(kept)")
            }
            return
        }
        let entries = try ledger.auditLog()
        if json {
            Output.json(entries)
            return
        }
        for entry in entries {
            let detail = entry.detail.isEmpty ? "" : "  \(entry.detail)"
            print("\(entry.sequence)  \(Output.date(entry.at))  \(entry.event)  \(entry.subject)\(detail)")
        }
    }

    private struct VerifiedLog: Encodable {
        let verified = true
        let entries: Int
        let head: String
        let expectedHeadSequence: Int64?
    }
}
