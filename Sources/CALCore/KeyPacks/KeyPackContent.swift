import Foundation
import SwiftASN1

/// What a key pack says: which server may issue how many CALs of which product.
///
/// The clearinghouse signs this DER as the attached content of CMS SignedData. Because the CMS
/// layer always says id-data, the content opens with its own type OID, which readers check first:
///
/// ```
/// KeyPackContent ::= SEQUENCE {
///     contentType      OBJECT IDENTIFIER,    -- id-ct-keyPack
///     version          INTEGER,              -- 1
///     keyPackID        PrintableString,
///     licenseServerID  PrintableString,
///     licenseType      ENUMERATED { perDevice(0), perUser(1) },
///     count            INTEGER,
///     product          UTF8String,
///     productVersion   UTF8String,
///     agreementNumber  UTF8String,
///     issuedAt         GeneralizedTime,
///     ledgerID         [0] IMPLICIT PrintableString OPTIONAL  -- a reissue: the one ledger it is for
/// }
/// ```
public struct KeyPackContent: DERImplicitlyTaggable, Hashable, Sendable {
    /// The only version this code writes and reads.
    public static let currentVersion = 1
    /// The most CALs one pack may carry.
    public static let maximumCount = 1_000_000

    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// The pack's own id, 35 characters.
    public var keyPackID: String
    /// The only license server that may install the pack.
    public var licenseServerID: String
    /// Per device or per user.
    public var licenseType: LicenseType
    /// How many CALs the pack holds.
    public var count: Int
    /// The product the CALs license.
    public var product: String
    /// The product version.
    public var productVersion: String
    /// The license purchase agreement number the pack was sold under.
    public var agreementNumber: String
    /// When the clearinghouse issued the pack, to the second.
    public var issuedAt: Date
    /// For a reissued pack, the one license-server ledger it may be installed into (its
    /// ``ledgerID`` as the server reports it); nil for a pack as first sold.
    public var ledgerID: String?

    /// The tag of ``ledgerID``.
    static let ledgerIDTag = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)

    /// Creates a pack description.
    public init(
        keyPackID: String,
        licenseServerID: String,
        licenseType: LicenseType,
        count: Int,
        product: String,
        productVersion: String,
        agreementNumber: String,
        issuedAt: Date,
        ledgerID: String? = nil
    ) {
        self.keyPackID = keyPackID
        self.licenseServerID = licenseServerID
        self.licenseType = licenseType
        self.count = count
        self.product = product
        self.productVersion = productVersion
        self.agreementNumber = agreementNumber
        self.issuedAt = Date(timeIntervalSince1970: issuedAt.timeIntervalSince1970.rounded(.down))
        self.ledgerID = ledgerID
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let contentType = try ASN1ObjectIdentifier(derEncoded: &nodes)
            guard contentType == CALKitOID.keyPackContentType else {
                throw ASN1Error.invalidASN1Object(reason: "content type \(contentType) is not id-ct-keyPack")
            }
            let version = try Int(derEncoded: &nodes)
            guard version == Self.currentVersion else {
                throw ASN1Error.invalidASN1Object(reason: "unsupported key pack version \(version)")
            }
            let packID = try ASN1PrintableString(derEncoded: &nodes)
            let serverID = try ASN1PrintableString(derEncoded: &nodes)
            let typeValue = try Int(derEncoded: &nodes, withIdentifier: .enumerated)
            guard let licenseType = LicenseType(derValue: typeValue) else {
                throw ASN1Error.invalidASN1Object(reason: "unknown license type \(typeValue)")
            }
            let count = try Int(derEncoded: &nodes)
            guard (1...Self.maximumCount).contains(count) else {
                throw ASN1Error.invalidASN1Object(reason: "count \(count) is out of range")
            }
            let product = try ASN1UTF8String(derEncoded: &nodes)
            let productVersion = try ASN1UTF8String(derEncoded: &nodes)
            let agreement = try ASN1UTF8String(derEncoded: &nodes)
            let issuedAt = try GeneralizedTime(derEncoded: &nodes)
            let ledgerID = try DER.optionalImplicitlyTagged(&nodes, tag: Self.ledgerIDTag) as ASN1PrintableString?
            return KeyPackContent(
                keyPackID: String(packID),
                licenseServerID: String(serverID),
                licenseType: licenseType,
                count: count,
                product: String(product),
                productVersion: String(productVersion),
                agreementNumber: String(agreement),
                issuedAt: Date(generalizedTime: issuedAt),
                ledgerID: ledgerID.map(String.init)
            )
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(CALKitOID.keyPackContentType)
            try coder.serialize(Self.currentVersion)
            try coder.serialize(ASN1PrintableString(keyPackID))
            try coder.serialize(ASN1PrintableString(licenseServerID))
            try licenseType.derValue.serialize(into: &coder, withIdentifier: .enumerated)
            try coder.serialize(count)
            try coder.serialize(ASN1UTF8String(product))
            try coder.serialize(ASN1UTF8String(productVersion))
            try coder.serialize(ASN1UTF8String(agreementNumber))
            try coder.serialize(GeneralizedTime(issuedAt))
            if let ledgerID { try coder.serializeOptionalImplicitlyTagged(ASN1PrintableString(ledgerID), withIdentifier: Self.ledgerIDTag) }
        }
    }

    /// The DER bytes the clearinghouse signs.
    public func derBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }
}
