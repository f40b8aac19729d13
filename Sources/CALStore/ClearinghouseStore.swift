import Foundation

/// A license server the clearinghouse activated.
public struct ActivationRecord: Hashable, Sendable, Codable {
    /// The license-server id.
    public var serverID: String
    /// The server's name.
    public var name: String
    /// Serial of the license-server certificate, hex.
    public var certificateSerial: String
    /// When it was activated.
    public var activatedAt: Date
    /// When the certificate expires.
    public var notAfter: Date
    /// The certificate, DER.
    public var certificate: [UInt8]

    /// Creates a record.
    public init(serverID: String, name: String, certificateSerial: String, activatedAt: Date, notAfter: Date, certificate: [UInt8]) {
        self.serverID = serverID
        self.name = name
        self.certificateSerial = certificateSerial
        self.activatedAt = activatedAt
        self.notAfter = notAfter
        self.certificate = certificate
    }
}

/// A key pack the clearinghouse sold.
public struct SoldPack: Hashable, Sendable, Codable {
    /// The pack's id.
    public var packID: String
    /// The license server it is bound to.
    public var serverID: String
    /// `per-device` or `per-user`.
    public var licenseType: String
    /// CALs in the pack.
    public var count: Int
    /// The product.
    public var product: String
    /// The product version.
    public var productVersion: String
    /// The purchase agreement number.
    public var agreementNumber: String
    /// When it was issued.
    public var issuedAt: Date

    /// Creates a record.
    public init(
        packID: String, serverID: String, licenseType: String, count: Int, product: String, productVersion: String,
        agreementNumber: String, issuedAt: Date
    ) {
        self.packID = packID
        self.serverID = serverID
        self.licenseType = licenseType
        self.count = count
        self.product = product
        self.productVersion = productVersion
        self.agreementNumber = agreementNumber
        self.issuedAt = issuedAt
    }
}

/// What a clearinghouse keeps: activations and the packs it sold.
public protocol ClearinghouseStore: Sendable {
    /// Records an activation, minting the certificate inside the same transaction; refuses a
    /// server id activated before with ``StoreError/serverAlreadyActivated(_:)``.
    func activate(serverID: String, mint: () throws -> ActivationRecord) throws -> ActivationRecord

    /// The activation of a server id, if any.
    func activation(serverID: String) throws -> ActivationRecord?

    /// Every activation, oldest first.
    func activations() throws -> [ActivationRecord]

    /// Records a sold pack.
    func recordSale(_ pack: SoldPack) throws

    /// Every pack sold, oldest first.
    func soldPacks() throws -> [SoldPack]
}
