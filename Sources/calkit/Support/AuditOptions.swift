import ArgumentParser
import CALCore

/// `--verify` and `--json` of the `audit` verbs, and the listing they print; one implementation
/// for every role that keeps an audit log.
struct AuditOptions: ParsableArguments {
    @Flag(help: "Check the hash chain; exit 1 naming the first broken entry if any entry was changed or removed.")
    var verify = false
    @Flag(help: "Print the entries (or the verification result) as JSON.") var json = false

    /// Prints `entries`, or with `--verify` checks their chain and says so.
    func report(_ entries: [AuditEntry]) throws {
        if verify {
            if let broken = AuditEntry.firstBreak(in: entries) {
                throw CALError.auditChainBroken(sequence: broken.sequence, reason: broken.reason)
            }
            let head = entries.last?.hash ?? AuditEntry.genesisHash
            if json {
                Output.json(VerifiedChain(entries: entries.count, head: head))
            } else {
                print("The audit log is whole: \(entries.count) entries, head \(head)")
            }
            return
        }
        if json {
            Output.json(entries)
            return
        }
        for entry in entries {
            let detail = entry.detail.isEmpty ? "" : "  \(entry.detail)"
            print("\(entry.sequence)  \(Output.date(entry.at))  \(entry.event)  \(entry.subject)\(detail)")
        }
    }

    private struct VerifiedChain: Encodable {
        let verified = true
        let entries: Int
        let head: String
    }
}
