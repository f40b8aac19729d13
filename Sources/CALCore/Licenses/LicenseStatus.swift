/// Whether a license is a stop-gap or the real thing.
public enum LicenseStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Issued at first logon, once per device, for the temporary lifetime; takes no seat.
    case temporary
    /// Issued from a key pack.
    case permanent

    var derValue: Int {
        switch self {
        case .temporary: return 0
        case .permanent: return 1
        }
    }

    init?(derValue: Int) {
        switch derValue {
        case 0: self = .temporary
        case 1: self = .permanent
        default: return nil
        }
    }
}

extension LicenseStatus: CustomStringConvertible {
    /// The stable name (`temporary`, `permanent`), as files, JSON and audit entries spell it.
    public var description: String { rawValue }
}
