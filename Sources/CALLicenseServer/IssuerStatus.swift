import CALCore
internal import CALStore
import Foundation

/// One issuer as `calkit server status` reports it.
public struct IssuerStatus: Codable, Sendable {
    /// What an issuer may still sign.
    public enum State: String, Codable, Sendable {
        /// It mints licenses and signs CRLs and OCSP responses.
        case active
        /// It mints nothing, but signs CRLs and OCSP responses for its licenses until the last expires.
        case retired
        /// Its key was declared compromised: it signs nothing.
        case compromised
    }

    /// The key id (subject key identifier, hex).
    public var keyID: String
    /// `active`, `retired` or `compromised` (in JSON too).
    public var status: State
    /// The certificate's serial number, hex.
    public var certificateSerial: String
    /// When the certificate expires.
    public var certificateNotAfter: Date?
    /// When the issuer became active.
    public var activatedAt: Date
    /// When it stopped minting, if it has.
    public var retiredAt: Date?
    /// How many licenses it signed.
    public var licensesIssued: Int
    /// When the last of them expires.
    public var lastLicenseExpires: Date?
    /// Whether it still signs CRLs and OCSP responses: the active issuer, or a retired one
    /// whose licenses have not all expired.
    public var signsRevocation: Bool
    /// Its key file, relative to the server's home.
    public var keyFile: String

    init(_ record: IssuerRecord, now: Date) {
        keyID = record.keyID
        switch record.status {
        case .active: status = .active
        case .retired: status = .retired
        case .compromised: status = .compromised
        }
        certificateSerial = record.certificateSerial
        certificateNotAfter = (try? PEMBundle.certificateFromDER(record.certificate))?.notValidAfter
        activatedAt = record.activatedAt
        retiredAt = record.retiredAt
        licensesIssued = record.licensesIssued
        lastLicenseExpires = record.lastLicenseExpires
        switch record.status {
        case .active: signsRevocation = true
        case .retired: signsRevocation = (record.lastLicenseExpires ?? .distantPast) > now
        case .compromised: signsRevocation = false
        }
        keyFile = record.keyFile
    }
}
