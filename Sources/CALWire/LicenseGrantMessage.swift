import CALCore
import Foundation
import X509

/// The JSON answer of `POST /v1/licenses` when a license is granted or the current one stands.
public struct LicenseGrantMessage: Codable, Sendable {
    /// `issued` or `keep-current`.
    public var decision: String
    /// The new license, PEM, when issued.
    public var license: String?
    /// The chain to verify it (the server certificate), PEM, when issued.
    public var chain: String?
    /// The new license's serial, hex, when issued.
    public var serial: String?

    /// The message for a grant; refusals travel as errors instead.
    public init(_ grant: LicenseGrant) throws {
        switch grant {
        case .issued(let license, let chain):
            decision = "issued"
            self.license = try PEMBundle.pem(of: [license])
            self.chain = try PEMBundle.pem(of: chain)
            serial = SerialNumbers.hex(license.serialNumber)
        case .keepCurrent, .refused:
            decision = "keep-current"
        }
    }

    /// The grant it carries.
    public func grant() throws -> LicenseGrant {
        guard decision == "issued" else { return .keepCurrent }
        guard let license, let chain else { throw CALError.malformed(what: "the license server's answer", reason: "no license in an issued answer") }
        return .issued(license: try Certificate(pemEncoded: license), chain: try PEMBundle.certificates(in: chain, path: "the license server's answer"))
    }
}
