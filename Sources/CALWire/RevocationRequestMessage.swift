import CALCore

/// The JSON body of `POST /v1/revocations` (license server, admin): which license to revoke and why.
public struct RevocationRequestMessage: Codable, Sendable {
    /// The license's serial, hex.
    public var serial: String
    /// The RFC 5280 reason by name (`keyCompromise`, `superseded`, ...); `unspecified` when absent.
    public var reason: String?

    /// A request to revoke `serial` for `reason`.
    public init(serial: String, reason: RevocationReason) {
        self.serial = serial
        self.reason = reason.name
    }

    /// The reason it names; an unknown name is `invalid-argument`.
    public func revocationReason() throws -> RevocationReason {
        guard let parsed = RevocationReason(name: reason ?? "unspecified") else {
            throw CALError.invalidArgument("unknown revocation reason \(reason ?? ""); use one of \(RevocationReason.allCases.map(\.name).joined(separator: ", "))")
        }
        return parsed
    }
}
