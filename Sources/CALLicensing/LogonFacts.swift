import CALCore
import Foundation

/// Everything the logon rules look at, read from the ledger and the request in one snapshot.
public struct LogonFacts: Sendable {
    /// The host's licensing mode.
    public var mode: LicenseType
    /// The device id or user principal the request names.
    public var subjectName: String
    /// The key identifier (hex) of the key the request proves possession of.
    public var requestKeyID: String
    /// The key identifier (hex) of the client's previous key, when the request carries a
    /// continuity signature by it that verifies.
    public var previousKeyID: String?
    /// The product asked for: the host's, the presented license's, or the only one installed;
    /// nil when none can be told.
    public var product: String?
    /// The license the client presented, as the server judged it.
    public var presented: PresentedLicense?
    /// Every license of the subject in this mode, oldest first.
    public var history: [LedgerLicense]
    /// The products with an installed pack of the mode's license type.
    public var productsWithPacks: Set<String>
    /// Key identifiers of issuers declared compromised.
    public var compromisedIssuers: Set<String>
    /// The time of the logon.
    public var now: Date

    /// Collects the facts.
    public init(
        mode: LicenseType, subjectName: String, requestKeyID: String, previousKeyID: String? = nil, product: String?,
        presented: PresentedLicense? = nil, history: [LedgerLicense], productsWithPacks: Set<String>,
        compromisedIssuers: Set<String> = [], now: Date
    ) {
        self.mode = mode
        self.subjectName = subjectName
        self.requestKeyID = requestKeyID
        self.previousKeyID = previousKeyID
        self.product = product
        self.presented = presented
        self.history = history
        self.productsWithPacks = productsWithPacks
        self.compromisedIssuers = compromisedIssuers
        self.now = now
    }
}

/// A license a client presented at logon, as the license server judged it before the rules
/// believe anything in it.
public enum PresentedLicense: Hashable, Sendable {
    /// This server's own record of the license: the presented certificate is byte for byte the
    /// one the ledger recorded, and its signature verifies with the recorded issuer.
    case recorded(LedgerLicense)
    /// It names this server but is not a license this server issued (forged, altered, or
    /// signed by a stranger); the text says what failed.
    case forged(String)
}
