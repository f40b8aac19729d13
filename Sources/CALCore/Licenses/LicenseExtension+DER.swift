import SwiftASN1

extension LicenseExtension {
    /// The extension's value, DER, assembled directly (a license signer writes one per license):
    /// byte for byte what ``serialize(into:withIdentifier:)`` writes (LicenseExtensionTests). A
    /// value it does not write itself (a string PrintableString cannot hold, a negative number)
    /// goes through swift-asn1, which refuses it.
    func derBytes() throws -> [UInt8] {
        guard Self.isPrintable(licenseServerID), keyPackID.map(Self.isPrintable) ?? true, version >= 0, (seat ?? 0) >= 0 else {
            var serializer = DER.Serializer()
            try serializer.serialize(self)
            return serializer.serializedBytes
        }
        var fields: [UInt8] = []
        fields.reserveCapacity(64 + product.utf8.count + productVersion.utf8.count + licenseServerID.utf8.count + subjectHash.count
            + (keyPackID?.utf8.count ?? 0) + (transferredFrom?.count ?? 0))
        DERBytes.appendInteger(0x02, version, to: &fields)
        DERBytes.appendInteger(0x0A, licenseType.derValue, to: &fields)
        DERBytes.appendInteger(0x0A, status.derValue, to: &fields)
        DERBytes.append(0x0C, product.utf8, to: &fields)
        DERBytes.append(0x0C, productVersion.utf8, to: &fields)
        DERBytes.append(0x13, licenseServerID.utf8, to: &fields)
        DERBytes.append(0x04, subjectHash, to: &fields)
        if let keyPackID { DERBytes.append(0x80, keyPackID.utf8, to: &fields) }  // [0] IMPLICIT PrintableString
        if let transferredFrom { DERBytes.append(0x81, transferredFrom, to: &fields) }  // [1] IMPLICIT OCTET STRING
        if let seat { DERBytes.appendInteger(0x82, seat, to: &fields) }  // [2] IMPLICIT INTEGER
        var out: [UInt8] = []
        out.reserveCapacity(fields.count + 4)
        DERBytes.append(0x30, fields, to: &out)
        return out
    }

    /// Whether every character is one PrintableString allows.
    private static func isPrintable(_ text: String) -> Bool {
        text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
            case UInt8(ascii: " "), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "-"),
                UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "?"):
                return true
            default: return false
            }
        }
    }
}
