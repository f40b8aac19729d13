import X509

/// A license server's answer to a ``LicenseRequest``.
public enum LicenseGrant: Sendable {
    /// A new license for the client to store, with the chain to verify it (server certificate).
    case issued(license: Certificate, chain: [Certificate])
    /// Nothing new: the license the client presented stands.
    case keepCurrent
    /// No license can be had; the code says why.
    case refused(LicenseRefusal)
}

/// Why a license server gave no license. Codes are stable.
public struct LicenseRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable codes.
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// No license is free and the client holds none that still stands.
        case noLicenseAvailable = "no-license-available"
        /// This device already received its one temporary license, which has not expired.
        case temporaryAlreadyIssued = "temporary-already-issued"
        /// The server is not activated.
        case notActivated = "not-activated"
        /// The request is not acceptable (bad signature, wrong kind of request).
        case badRequest = "bad-request"
        /// The device already holds a standing permanent CAL of the product, for another key.
        case alreadyLicensed = "already-licensed"
        /// The presented license was revoked.
        case revoked
        /// The presented license names this server but is not one it issued (forged or altered).
        case untrustedLicense = "untrusted-license"
    }

    /// The stable code.
    public var code: Code
    /// A sentence for people.
    public var detail: String

    /// Creates a refusal.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
