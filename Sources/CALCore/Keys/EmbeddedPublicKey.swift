import SwiftASN1
import X509

/// The public key a private-key file carries beside the private key, when it carries one: the
/// `publicKey` of an EC key (SEC 1, RFC 5915), or of a PKCS #8 v2 `OneAsymmetricKey` (RFC 5958).
///
/// PBES2 has no integrity check, so a file altered after encryption can decrypt to a different,
/// well-formed private key. Comparing the key that was read with the public key stored next to
/// it (or with the certificate the role holds for it) is what tells the two apart.
enum EmbeddedPublicKey {
    /// The public key's bits in `document` (a `PRIVATE KEY` or `EC PRIVATE KEY`), or nil when it
    /// carries none or does not parse (parsing the key itself reports that).
    static func bits(in document: PEMDocument) -> [UInt8]? {
        guard let node = try? DER.parse(document.derBytes), case .constructed(let nodes) = node.content else { return nil }
        var children = nodes.makeIterator()
        switch document.discriminator {
        case "EC PRIVATE KEY":
            return ecPublicKey(in: node)
        case "PRIVATE KEY":
            // version, algorithm, privateKey OCTET STRING, [0] attributes OPTIONAL, [1] publicKey OPTIONAL
            guard children.next()?.identifier == .integer, children.next()?.identifier == .sequence,
                let privateKey = children.next(), let octets = try? ASN1OctetString(derEncoded: privateKey)
            else { return nil }
            while let next = children.next() {
                if next.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific),
                    let bits = try? ASN1BitString(derEncoded: next, withIdentifier: next.identifier)
                {
                    return Array(bits.bytes)
                }
            }
            guard let inner = try? DER.parse(Array(octets.bytes)), inner.identifier == .sequence else { return nil }
            return ecPublicKey(in: inner)
        default:
            return nil
        }
    }

    /// Whether the bits stored in a file name the same key as `publicKey`.
    static func matches(_ bits: [UInt8], _ publicKey: Certificate.PublicKey) -> Bool {
        let actual = Array(publicKey.subjectPublicKeyInfoBytes)
        if bits == actual { return true }
        // A compressed EC point: the x coordinate and the parity of y.
        if let prefix = bits.first, prefix == 2 || prefix == 3, actual.first == 4, actual.count == 2 * (bits.count - 1) + 1 {
            let x = actual[1..<bits.count]
            let yIsOdd = (actual.last ?? 0) & 1 == 1
            return Array(x) == Array(bits.dropFirst()) && yIsOdd == (prefix == 3)
        }
        return false
    }

    /// The `[1] publicKey BIT STRING` of an `ECPrivateKey`.
    private static func ecPublicKey(in node: ASN1Node) -> [UInt8]? {
        guard case .constructed(let nodes) = node.content else { return nil }
        for child in nodes where child.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific) {
            guard case .constructed(let wrapped) = child.content, let inner = wrapped.first(where: { _ in true }),
                let bits = try? ASN1BitString(derEncoded: inner)
            else { return nil }
            return Array(bits.bytes)
        }
        return nil
    }
}
