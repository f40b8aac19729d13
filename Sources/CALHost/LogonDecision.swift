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

    /// The decision that was recorded as `outcome`, `detail` and `serial` (its text forms), or
    /// nil when they name none (an unknown reason code, a license decision without its serial).
    public init?(outcome: String, detail: String, serial: String?) {
        switch (outcome, detail, serial) {
        case ("allowed", "licensed", let serial?): self = .licensed(serial: serial)
        case ("allowed", "temporary", let serial?): self = .temporary(serial: serial)
        case ("allowed", "grace-period", nil): self = .gracePeriod
        case ("denied", let reason, nil):
            guard let code = CALError.Code(rawValue: reason) else { return nil }
            self = .denied(reason: code)
        default: return nil
        }
    }

    /// The one line `calkit host logon` prints: `allowed licensed`, `denied no-license-available`, ...
    public var description: String { outcome + " " + detail }
}
