import CALCore

/// What a session host decided at one logon. The text forms are stable: scripts read them.
public enum LogonDecision: Hashable, Sendable, CustomStringConvertible {
    /// The client holds a valid permanent license.
    case licensed(serial: String)
    /// The client holds a valid temporary license.
    case temporary(serial: String)
    /// No license, but the host's grace period admits the client.
    case gracePeriod
    /// Refused, with a stable reason code (a verifier's or a license server's).
    case denied(reason: CALError.Code)

    /// `allowed` or `denied`.
    public var outcome: String {
        if case .denied = self { return "denied" }
        return "allowed"
    }

    /// Whether the client is admitted.
    public var isAllowed: Bool {
        if case .denied = self { return false }
        return true
    }

    /// `licensed`, `temporary`, `grace-period`, or the reason code.
    public var detail: String {
        switch self {
        case .licensed: return "licensed"
        case .temporary: return "temporary"
        case .gracePeriod: return "grace-period"
        case .denied(let reason): return reason.rawValue
        }
    }

    /// The license serial behind the decision, if any.
    public var serial: String? {
        switch self {
        case .licensed(let serial), .temporary(let serial): return serial
        case .gracePeriod, .denied: return nil
        }
    }

    /// The one line `calkit host logon` prints: `allowed licensed`, `denied no-license-available`, ...
    public var description: String { outcome + " " + detail }
}
