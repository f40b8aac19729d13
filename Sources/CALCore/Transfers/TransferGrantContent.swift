import Foundation
import SwiftASN1

/// What a transfer grant says: the clearinghouse allows one license server to move one seat,
/// held by one CAL, to a new device — once.
///
/// ```
/// TransferAuthorization ::= SEQUENCE {
///     contentType      OBJECT IDENTIFIER,   -- id-ct-transferAuthorization
///     version          INTEGER,             -- 1
///     grantID          PrintableString,     -- 35 characters
///     licenseServerID  PrintableString,
///     oldSerial        OCTET STRING,        -- the CAL whose seat moves
///     keyPackID        PrintableString,
///     seat             INTEGER,
///     issuedAt         GeneralizedTime
/// }
/// ```
public struct TransferGrantContent: DERImplicitlyTaggable, Hashable, Sendable {
    /// The only version this code writes and reads.
    public static let currentVersion = 1

    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// The grant's own id.
    public var grantID: String
    /// The license server that may carry out the transfer.
    public var licenseServerID: String
    /// The serial of the CAL whose seat moves.
    public var oldSerial: [UInt8]
    /// The pack of the seat.
    public var keyPackID: String
    /// The seat.
    public var seat: Int
    /// When the clearinghouse granted it.
    public var issuedAt: Date

    /// Creates a grant's content.
    public init(grantID: String, licenseServerID: String, oldSerial: [UInt8], keyPackID: String, seat: Int, issuedAt: Date) {
        self.grantID = grantID
        self.licenseServerID = licenseServerID
        self.oldSerial = oldSerial
        self.keyPackID = keyPackID
        self.seat = seat
        self.issuedAt = issuedAt.wholeSeconds
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let contentType = try ASN1ObjectIdentifier(derEncoded: &nodes)
            guard contentType == CALKitOID.transferAuthorizationContentType else {
                throw ASN1Error.invalidASN1Object(reason: "content type \(contentType) is not id-ct-transferAuthorization")
            }
            let version = try Int(derEncoded: &nodes)
            guard version == Self.currentVersion else { throw ASN1Error.invalidASN1Object(reason: "unsupported grant version \(version)") }
            let grantID = try ASN1PrintableString(derEncoded: &nodes)
            let serverID = try ASN1PrintableString(derEncoded: &nodes)
            let oldSerial = try ASN1OctetString(derEncoded: &nodes)
            let packID = try ASN1PrintableString(derEncoded: &nodes)
            let seat = try Int(derEncoded: &nodes)
            guard seat >= 1 else { throw ASN1Error.invalidASN1Object(reason: "seat \(seat) is out of range") }
            let issuedAt = try GeneralizedTime(derEncoded: &nodes)
            return TransferGrantContent(
                grantID: String(grantID), licenseServerID: String(serverID), oldSerial: Array(oldSerial.bytes),
                keyPackID: String(packID), seat: seat, issuedAt: CertificateTime.date(issuedAt)
            )
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(CALKitOID.transferAuthorizationContentType)
            try coder.serialize(Self.currentVersion)
            try coder.serialize(ASN1PrintableString(grantID))
            try coder.serialize(ASN1PrintableString(licenseServerID))
            try coder.serialize(ASN1OctetString(contentBytes: oldSerial[...]))
            try coder.serialize(ASN1PrintableString(keyPackID))
            try coder.serialize(seat)
            try coder.serialize(try CertificateTime.generalizedTime(issuedAt))
        }
    }

    /// The DER bytes the clearinghouse signs.
    public func derBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }
}
