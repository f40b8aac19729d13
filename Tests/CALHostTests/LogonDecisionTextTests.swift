import CALCore
import CALHost
import Testing

@Suite("A recorded decision reads back from its text forms")
struct LogonDecisionTextTests {
    @Test("Every kind of decision survives outcome, detail and serial", arguments: [
        LogonDecision.licensed(serial: "0a1b"), .temporary(serial: "ff"), .gracePeriod, .denied(reason: .revoked),
        .denied(reason: .licenseServerUnreachable), .denied(reason: .noProofOfPossession),
    ])
    func roundTrip(decision: LogonDecision) {
        #expect(LogonDecision(outcome: decision.outcome, detail: decision.detail, serial: decision.serial) == decision)
    }

    @Test("Text that names no decision reads as none, never as a guess")
    func unknownText() {
        #expect(LogonDecision(outcome: "denied", detail: "made-up-reason", serial: nil) == nil)
        #expect(LogonDecision(outcome: "allowed", detail: "licensed", serial: nil) == nil)
        #expect(LogonDecision(outcome: "maybe", detail: "grace-period", serial: nil) == nil)
        #expect(LogonDecision(outcome: "allowed", detail: "grace-period", serial: "ab") == nil)
    }
}
