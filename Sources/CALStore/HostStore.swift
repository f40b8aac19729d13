import Foundation

/// One logon decision as the host records it.
public struct LogonRecord: Hashable, Sendable, Codable {
    /// The host's id.
    public var host: String
    /// When.
    public var at: Date
    /// The client's device id, or the user principal in per-user mode.
    public var subject: String
    /// `allowed` or `denied`.
    public var outcome: String
    /// `licensed`, `temporary`, `grace-period`, or the reason code of a denial.
    public var detail: String
    /// The license's serial, when a license decided it.
    public var serial: String?

    /// Creates a record.
    public init(host: String, at: Date, subject: String, outcome: String, detail: String, serial: String?) {
        self.host = host
        self.at = at
        self.subject = subject
        self.outcome = outcome
        self.detail = detail
        self.serial = serial
    }
}

/// What a session host keeps: its settings, its grace period and every logon decision.
public protocol HostStore: Sendable {
    /// A setting, if set.
    func setting(_ name: String) throws -> String?
    /// Sets a setting.
    func setSetting(_ name: String, _ value: String) throws
    /// Records a decision, applying `settings` changes (grace period start and end) in the same
    /// transaction; refuses one dated before the latest decision (``ForwardClock``).
    func record(_ decision: LogonRecord, settings: [String: String]) throws
    /// When the latest decision was made: the host's high-water mark, nil before the first.
    func latestDecisionTime() throws -> Date?
    /// Counts of decisions by `outcome detail`.
    func decisionCounts() throws -> [String: Int]
    /// Every decision, oldest first.
    func decisions() throws -> [LogonRecord]
}
