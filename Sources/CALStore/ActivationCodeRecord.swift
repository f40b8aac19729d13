import Foundation

/// A one-time activation code as the clearinghouse keeps it: only its hash, so that a copy of
/// the database gives no usable code.
public struct ActivationCodeRecord: Hashable, Sendable {
    /// SHA-256 of the normalised code, hex.
    public var codeHash: String
    /// The license agreement the code was issued under.
    public var agreementNumber: String
    /// When it was issued.
    public var issuedAt: Date
    /// When it stops working if unused.
    public var expiresAt: Date
    /// When it was used, if it was.
    public var usedAt: Date?
    /// The license server it activated, if used.
    public var serverID: String?

    /// Creates a record.
    public init(codeHash: String, agreementNumber: String, issuedAt: Date, expiresAt: Date, usedAt: Date? = nil, serverID: String? = nil) {
        self.codeHash = codeHash
        self.agreementNumber = agreementNumber
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.serverID = serverID
    }
}
