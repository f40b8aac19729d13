import Crypto
import Foundation
import SwiftASN1
import X509

/// Signs client licenses for one issuer. What every license of that issuer shares (the version,
/// the signature algorithm, the issuer's name, the constraints, key usages, authority key
/// identifier and revocation pointers) is encoded once, here; a license then costs its own few
/// fields (serial, validity, subject, key, subject key identifier, license extension) and one
/// signature. The certificate is ``ClientLicenseProfile``'s, byte for byte what swift-certificates
/// would encode for the same contents (ClientLicenseSignerTests).
public struct ClientLicenseSigner: Sendable {
    /// The issuer's certificate.
    public let issuer: Certificate
    /// Where the licenses it signs say their revocation status is published.
    public let revocationPointers: RevocationPointers?
    private let issuerKey: Certificate.PrivateKey
    /// The issuer's key as swift-crypto's own P-256 key, when it is one: signed with directly.
    private let p256Key: P256.Signing.PrivateKey?
    private let algorithm: SignatureAlgorithmIdentifier
    /// The DER of `AlgorithmIdentifier` (used twice: in the TBS and after it).
    private let algorithmBytes: [UInt8]
    /// `[0] version`, then (after the serial) the algorithm and the issuer's name.
    private let versionBytes: [UInt8]
    private let algorithmAndIssuerBytes: [UInt8]
    /// Basic constraints, key usage and extended key usage; then the authority key identifier;
    /// then the revocation pointers.
    private let leadingExtensions: [UInt8]
    private let authorityKeyIdentifier: [UInt8]
    private let trailingExtensions: [UInt8]

    /// A signer for `issuer`'s key `issuerKey`; its licenses carry `revocationPointers`.
    public init(issuer: Certificate, issuerKey: Certificate.PrivateKey, revocationPointers: RevocationPointers? = nil) throws {
        self.issuer = issuer
        self.issuerKey = issuerKey
        self.revocationPointers = revocationPointers
        let keyType = try KeyType(of: issuerKey.publicKey)
        p256Key = keyType == .p256 ? try P256.Signing.PrivateKey(pemRepresentation: try issuerKey.serializeAsPEM().pemString) : nil
        let algorithm = SignatureAlgorithmIdentifier(for: keyType)
        self.algorithm = algorithm
        let algorithmBytes = try Self.der { try $0.serialize(algorithm) }
        self.algorithmBytes = algorithmBytes
        versionBytes = try Self.der { coder in
            try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { try $0.serialize(2) }
        }
        algorithmAndIssuerBytes = algorithmBytes + (try Self.der { try $0.serialize(issuer.subject) })
        guard let standard = ClientLicenseProfile.StandardExtensions.shared else {
            throw CALError(.internalFailure, "the client-license profile's extensions do not encode")
        }
        leadingExtensions = try Self.der { coder in
            try coder.serialize(standard.basicConstraints)
            try coder.serialize(standard.keyUsage)
            try coder.serialize(standard.extendedKeyUsage)
        }
        let issuerKeyID = try issuer.extensions.subjectKeyIdentifier?.keyIdentifier
        authorityKeyIdentifier = try Self.der { coder in
            try coder.serialize(try Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: issuerKeyID), critical: false))
        }
        trailingExtensions = try Self.der { coder in
            for pointer in try revocationPointers?.extensions() ?? [] { try coder.serialize(pointer) }
        }
    }

    /// The signed license certificate for `contents`, DER. Its end of validity is capped at the
    /// issuer's; `contents.revocationPointers` is ignored (the signer's own are used).
    public func sign(_ contents: ClientLicenseProfile.Contents) throws -> [UInt8] {
        // The client's key once: the SubjectPublicKeyInfo, whose BIT STRING the key identifier hashes.
        guard let publicKeyInfo = contents.publicKeyInfo ?? contents.publicKey.publicKeyInfoBytes,
            let keyBits = DERBytes.lastChildContents(of: publicKeyInfo), keyBits.count > 1
        else {
            throw CALError.unsupportedKey("the client's public key does not encode")
        }
        let keyIdentifier = Array(Insecure.SHA1.hash(data: keyBits.dropFirst()))
        let licenseValue = try contents.license.derBytes()
        let tbs = DERBytes.node(
            0x30,
            versionBytes,
            DERBytes.node(0x02, Array(contents.serialNumber.bytes)),
            algorithmAndIssuerBytes,
            DERBytes.node(
                0x30, try CertificateTime.derBytes(contents.notBefore), try CertificateTime.derBytes(min(contents.notAfter, issuer.notValidAfter))
            ),
            DERBytes.node(0x30, DERBytes.node(0x31, DERBytes.node(0x30, Self.commonNameOID, DERBytes.node(0x0C, Array(contents.subject.name.utf8))))),
            publicKeyInfo,
            DERBytes.node(
                0xA3,
                DERBytes.node(
                    0x30,
                    leadingExtensions,
                    DERBytes.node(0x30, Self.subjectKeyIdentifierOID, DERBytes.node(0x04, DERBytes.node(0x04, keyIdentifier))),
                    authorityKeyIdentifier,
                    DERBytes.node(0x30, Self.licenseExtensionOID, DERBytes.node(0x04, licenseValue)),
                    trailingExtensions
                )
            )
        )
        let signature = try p256Key.map { DERBytes.ecdsaSignature(raw: Array(try $0.signature(for: tbs).rawRepresentation)) } ?? algorithm.sign(tbs, with: issuerKey)
        return DERBytes.node(0x30, tbs, algorithmBytes, DERBytes.node(0x03, [0], signature))
    }

    /// `id-at-commonName`, `id-ce-subjectKeyIdentifier` and the license extension's OID, encoded.
    private static let commonNameOID: [UInt8] = [0x06, 0x03, 0x55, 0x04, 0x03]
    private static let subjectKeyIdentifierOID: [UInt8] = [0x06, 0x03, 0x55, 0x1D, 0x0E]
    private static let licenseExtensionOID: [UInt8] = (try? der { try $0.serialize(CALKitOID.clientLicenseExtension) }) ?? []

    private static func der(_ body: (inout DER.Serializer) throws -> Void) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try body(&serializer)
        return serializer.serializedBytes
    }
}
