import Foundation

/// A key a license server has signed licenses with, and the certificate the clearinghouse gave it.
///
/// Exactly one issuer is `active` (it mints); after a rotation the previous one is `retired`
/// (it mints nothing, but keeps signing CRLs and OCSP responses for its licenses until the last
/// has expired); an issuer whose key was declared compromised signs nothing at all.
public struct IssuerRecord: Hashable, Sendable, Codable {
    /// The issuer's state.
    public enum Status: String, Hashable, Sendable, Codable {
        case active, retired, compromised
    }

    /// The certificate's subject key identifier (SHA-1 of the public key), lower-case hex.
    public var keyID: String
    /// The certificate's serial number, lower-case hex.
    public var certificateSerial: String
    /// The license-server certificate, DER.
    public var certificate: [UInt8]
    /// The key file, relative to the server's home.
    public var keyFile: String
    /// The chain file (certificate, then root), relative to the server's home.
    public var chainFile: String
    /// The issuer's state.
    public var status: Status
    /// When the issuer became active.
    public var activatedAt: Date
    /// When it stopped minting, if it has.
    public var retiredAt: Date?
    /// How many licenses it signed.
    public var licensesIssued: Int
    /// When the last license it signed expires, if it signed any.
    public var lastLicenseExpires: Date?

    /// Creates a record.
    public init(
        keyID: String, certificateSerial: String, certificate: [UInt8], keyFile: String, chainFile: String,
        status: Status, activatedAt: Date, retiredAt: Date? = nil, licensesIssued: Int = 0, lastLicenseExpires: Date? = nil
    ) {
        self.keyID = keyID
        self.certificateSerial = certificateSerial
        self.certificate = certificate
        self.keyFile = keyFile
        self.chainFile = chainFile
        self.status = status
        self.activatedAt = activatedAt
        self.retiredAt = retiredAt
        self.licensesIssued = licensesIssued
        self.lastLicenseExpires = lastLicenseExpires
    }
}

/// Where a rotation moved the previous issuer's key and chain, relative to the server's home.
public struct RetiredFiles: Hashable, Sendable {
    /// The key file.
    public var keyFile: String
    /// The chain file.
    public var chainFile: String

    /// Creates the pair.
    public init(keyFile: String, chainFile: String) {
        self.keyFile = keyFile
        self.chainFile = chainFile
    }
}
