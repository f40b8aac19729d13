import Crypto
import Foundation

/// Whom a license is bound to: a device id or a user principal name.
public enum LicenseSubject: Hashable, Sendable, CustomStringConvertible {
    /// A client device, by its device id.
    case device(String)
    /// A user, by user principal name (`alice@example.com`).
    case user(String)

    /// The license type that binds to this kind of subject.
    public var licenseType: LicenseType {
        switch self {
        case .device: return .perDevice
        case .user: return .perUser
        }
    }

    /// The device id or user principal.
    public var name: String {
        switch self {
        case .device(let id): return id
        case .user(let upn): return upn
        }
    }

    /// SHA-256 of the name, as the license extension carries it.
    public var hash: [UInt8] { Self.hash(of: name) }

    /// SHA-256 of a device id or user principal.
    public static func hash(of name: String) -> [UInt8] { Array(SHA256.hash(data: Data(name.utf8))) }

    public var description: String {
        switch self {
        case .device(let id): return "device \(id)"
        case .user(let upn): return "user \(upn)"
        }
    }

    /// Checks that a device id or user principal is something CALKit can put in a certificate.
    public static func validate(_ name: String, as what: String) throws {
        guard !name.isEmpty, name.count <= 64 else {
            throw CALError.invalidArgument("\(what) must be 1 to 64 characters")
        }
        guard name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw CALError.invalidArgument("\(what) must not contain control characters")
        }
    }
}
