import SwiftASN1
import X509

/// The license extension (id-ce-clientLicense) that makes a certificate a client access license.
///
/// ```
/// ClientLicense ::= SEQUENCE {
///     version             INTEGER,                        -- 1
///     licenseType         ENUMERATED { perDevice(0), perUser(1) },
///     status              ENUMERATED { temporary(0), permanent(1) },
///     product             UTF8String,
///     productVersion      UTF8String,
///     licenseServerID     PrintableString,
///     subjectHash         OCTET STRING,                   -- SHA-256 of device id or user principal
///     keyPackID       [0] IMPLICIT PrintableString OPTIONAL,  -- absent on temporary licenses
///     transferredFrom [1] IMPLICIT OCTET STRING OPTIONAL,     -- serial of the CAL this seat came from
///     seat            [2] IMPLICIT INTEGER OPTIONAL           -- the seat within the key pack (per-device)
/// }
/// ```
public struct LicenseExtension: DERImplicitlyTaggable, Hashable, Sendable {
    /// The only version this code writes and reads.
    public static let currentVersion = 1

    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// The encoding version.
    public var version: Int
    /// Per device or per user.
    public var licenseType: LicenseType
    /// Temporary or permanent.
    public var status: LicenseStatus
    /// The product the license entitles to.
    public var product: String
    /// The product version, as named by the key pack.
    public var productVersion: String
    /// The id of the license server that issued the license.
    public var licenseServerID: String
    /// SHA-256 of the device id (per device) or of the user principal (per user).
    public var subjectHash: [UInt8]
    /// The key pack the seat came from; nil for temporary licenses.
    public var keyPackID: String?
    /// For a transferred seat, the serial number of the license it was transferred from.
    public var transferredFrom: [UInt8]?
    /// The seat within the key pack, for permanent per-device licenses: with the pack id it
    /// names the seat across renewals and transfers, which the clearinghouse's ledger needs.
    public var seat: Int?

    /// Creates a license extension value.
    public init(
        licenseType: LicenseType,
        status: LicenseStatus,
        product: String,
        productVersion: String,
        licenseServerID: String,
        subjectHash: [UInt8],
        keyPackID: String? = nil,
        transferredFrom: [UInt8]? = nil,
        seat: Int? = nil
    ) {
        self.version = Self.currentVersion
        self.licenseType = licenseType
        self.status = status
        self.product = product
        self.productVersion = productVersion
        self.licenseServerID = licenseServerID
        self.subjectHash = subjectHash
        self.keyPackID = keyPackID
        self.transferredFrom = transferredFrom
        self.seat = seat
    }

    private static let keyPackTag = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
    private static let transferredFromTag = ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)
    private static let seatTag = ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific)

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let version = try Int(derEncoded: &nodes)
            guard version == Self.currentVersion else {
                throw ASN1Error.invalidASN1Object(reason: "unsupported license extension version \(version)")
            }
            let typeValue = try Int(derEncoded: &nodes, withIdentifier: .enumerated)
            let statusValue = try Int(derEncoded: &nodes, withIdentifier: .enumerated)
            guard let licenseType = LicenseType(derValue: typeValue),
                let status = LicenseStatus(derValue: statusValue)
            else {
                throw ASN1Error.invalidASN1Object(reason: "unknown license type or status")
            }
            let product = try ASN1UTF8String(derEncoded: &nodes)
            let productVersion = try ASN1UTF8String(derEncoded: &nodes)
            let serverID = try ASN1PrintableString(derEncoded: &nodes)
            let subjectHash = try ASN1OctetString(derEncoded: &nodes)
            guard subjectHash.bytes.count == 32 else {
                throw ASN1Error.invalidASN1Object(reason: "subject hash is not a SHA-256 digest")
            }
            let keyPackID: ASN1PrintableString? = try DER.optionalImplicitlyTagged(&nodes, tag: Self.keyPackTag)
            let transferredFrom: ASN1OctetString? = try DER.optionalImplicitlyTagged(
                &nodes,
                tag: Self.transferredFromTag
            )
            let seat: Int? = try DER.optionalImplicitlyTagged(&nodes, tag: Self.seatTag)
            if let seat, seat < 1 { throw ASN1Error.invalidASN1Object(reason: "seat \(seat) is out of range") }
            return LicenseExtension(
                licenseType: licenseType,
                status: status,
                product: String(product),
                productVersion: String(productVersion),
                licenseServerID: String(serverID),
                subjectHash: Array(subjectHash.bytes),
                keyPackID: keyPackID.map { String($0) },
                transferredFrom: transferredFrom.map { Array($0.bytes) },
                seat: seat
            )
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(version)
            try licenseType.derValue.serialize(into: &coder, withIdentifier: .enumerated)
            try status.derValue.serialize(into: &coder, withIdentifier: .enumerated)
            try coder.serialize(ASN1UTF8String(product))
            try coder.serialize(ASN1UTF8String(productVersion))
            try coder.serialize(ASN1PrintableString(licenseServerID))
            try coder.serialize(ASN1OctetString(contentBytes: subjectHash[...]))
            try coder.serializeOptionalImplicitlyTagged(
                keyPackID.map { try ASN1PrintableString($0) },
                withIdentifier: Self.keyPackTag
            )
            try coder.serializeOptionalImplicitlyTagged(
                transferredFrom.map { ASN1OctetString(contentBytes: $0[...]) },
                withIdentifier: Self.transferredFromTag
            )
            try coder.serializeOptionalImplicitlyTagged(seat, withIdentifier: Self.seatTag)
        }
    }
}

extension LicenseExtension {
    /// The extension as it sits in a certificate: id-ce-clientLicense, non-critical.
    public func certificateExtension() throws -> Certificate.Extension {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return Certificate.Extension(
            oid: CALKitOID.clientLicenseExtension,
            critical: false,
            value: serializer.serializedBytes[...]
        )
    }

    /// Reads the license extension of a certificate; nil when the certificate has none.
    ///
    /// Throws when the extension is present but does not parse.
    public init?(of certificate: Certificate) throws {
        guard let ext = certificate.extensions[oid: CALKitOID.clientLicenseExtension] else { return nil }
        self = try LicenseExtension(derEncoded: ext.value)
    }
}
