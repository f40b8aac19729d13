/// What a license server's ledger holds for one logon, read in one transaction.
public struct LogonSnapshot: Sendable {
    /// An issuer key: its id and whether it was declared compromised.
    public struct IssuerKey: Sendable {
        /// The key identifier (hex).
        public var keyID: String
        /// Whether the key was declared compromised.
        public var compromised: Bool
    }

    /// Every license of the subject in the host's mode, oldest first.
    public var history: [IssuedLicense]
    /// The record of the serial the client presented, if the ledger has one.
    public var presented: IssuedLicense?
    /// Products with an installed pack of the mode's license type.
    public var productsWithPacks: Set<String>
    /// Every issuer the server has had.
    public var issuers: [IssuerKey]
}
