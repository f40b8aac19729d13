/// Whom a client access license entitles: one device, or one user on any device.
public enum LicenseType: String, Sendable, Hashable, CaseIterable, Codable {
    /// One CAL per client device; permanent ones take a seat from a pack.
    case perDevice = "per-device"
    /// One CAL per user; tracked, not decremented.
    case perUser = "per-user"

    /// The ENUMERATED value in the license extension and key-pack content.
    var derValue: Int {
        switch self {
        case .perDevice: return 0
        case .perUser: return 1
        }
    }

    init?(derValue: Int) {
        switch derValue {
        case 0: self = .perDevice
        case 1: self = .perUser
        default: return nil
        }
    }
}

extension LicenseType: CustomStringConvertible {
    /// The stable name (`per-device`, `per-user`), as files, JSON and audit entries spell it.
    public var description: String { rawValue }
}
