import X509
import SwiftASN1

/// Builds and reads the subject names of CALKit's certificates.
public enum SubjectNames {
    /// `CN=<name>`.
    public static func commonName(_ name: String) throws -> DistinguishedName {
        try DistinguishedName { CommonName(name) }
    }

    /// `CN=<name>, serialNumber=<license-server id>`, the subject of a license server.
    public static func licenseServer(name: String, serverID: String) throws -> DistinguishedName {
        DistinguishedName([
            RelativeDistinguishedName(RelativeDistinguishedName.Attribute(type: .RDNAttributeType.commonName, utf8String: name)),
            RelativeDistinguishedName(
                try RelativeDistinguishedName.Attribute(type: CALKitOID.serialNumberAttribute, printableString: serverID)
            ),
        ])
    }

    /// The first common name of a name, if any.
    public static func commonName(of name: DistinguishedName) -> String? {
        attribute(.RDNAttributeType.commonName, of: name)
    }

    /// The license-server id a name carries in its serialNumber attribute, if it is a valid id.
    public static func licenseServerID(of name: DistinguishedName) -> String? {
        attribute(CALKitOID.serialNumberAttribute, of: name).flatMap(CALIdentifier.normalized)
    }

    /// A name for people, in the order it is encoded: `CN=Server, serialNumber=ABC...`.
    public static func display(_ name: DistinguishedName) -> String {
        let labels: [ASN1ObjectIdentifier: String] = [
            .RDNAttributeType.commonName: "CN", .RDNAttributeType.organizationName: "O",
            .RDNAttributeType.organizationalUnitName: "OU", .RDNAttributeType.countryName: "C",
            CALKitOID.serialNumberAttribute: "serialNumber",
        ]
        var parts: [String] = []
        for rdn in name {
            for attribute in rdn {
                let label = labels[attribute.type] ?? attribute.type.description
                parts.append(label + "=" + (String(attribute.value) ?? attribute.value.description))
            }
        }
        return parts.joined(separator: ", ")
    }

    private static func attribute(_ type: ASN1ObjectIdentifier, of name: DistinguishedName) -> String? {
        for rdn in name {
            for attribute in rdn where attribute.type == type {
                if let text = String(attribute.value) { return text }
            }
        }
        return nil
    }
}
