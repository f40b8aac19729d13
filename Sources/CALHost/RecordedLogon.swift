import CALCore
import Foundation

/// One logon as the host recorded it: who logged on where, when, and what was decided.
public struct RecordedLogon: Hashable, Sendable {
    /// The host's id.
    public var host: String
    /// When the decision was made.
    public var at: Date
    /// The device id, or the user in per-user mode.
    public var subject: String
    /// The decision, with the serial of the license behind it.
    public var decision: LogonDecision

    /// Creates a record.
    public init(host: String, at: Date, subject: String, decision: LogonDecision) {
        self.host = host
        self.at = at
        self.subject = subject
        self.decision = decision
    }
}
