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
        let algorithm = SignatureAlgorithmIdentifier(for: try KeyType(of: issuerKey.publicKey))
        self.algorithm = algorithm
        let algorithmBytes = try Self.der { try $0.serialize(algorithm) }
        self.algorithmBytes = algorithmBytes
        versionBytes = try Self.der { coder in
            try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { try $0.serialize(2) }
        }
        algorithmAndIssuerBytes = algorithmBytes + (try Self.der { try $0.serialize(issuer.subject) })
        leadingExtensions = try Self.der { coder in
            try coder.serialize(try Certificate.Extension(BasicConstraints.notCertificateAuthority, critical: true))
            try coder.serialize(try Certificate.Extension(KeyUsage(digitalSignature: true), critical: true))
            try coder.serialize(
                try Certificate.Extension(ExtendedKeyUsage([ExtendedKeyUsage.Usage(oid: CALKitOID.clientLicenseKeyPurpose)]), critical: false)
            )
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
        let notAfter = min(contents.notAfter, issuer.notValidAfter)
        let tbs = try Self.der { coder in
            try coder.appendConstructedNode(identifier: .sequence) { tbs in
                tbs.serializeRawBytes(versionBytes)
                tbs.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: contents.serialNumber.bytes) }
                tbs.serializeRawBytes(algorithmAndIssuerBytes)
                try tbs.appendConstructedNode(identifier: .sequence) { validity in
                    try CertificateTime.serialize(contents.notBefore, into: &validity)
                    try CertificateTime.serialize(notAfter, into: &validity)
                }
                try tbs.serialize(try SubjectNames.commonName(contents.subject.name))
                try tbs.serialize(contents.publicKey)
                try tbs.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific)) { wrapper in
                    try wrapper.appendConstructedNode(identifier: .sequence) { extensions in
                        extensions.serializeRawBytes(leadingExtensions)
                        try extensions.serialize(try Certificate.Extension(SubjectKeyIdentifier(hash: contents.publicKey), critical: false))
                        extensions.serializeRawBytes(authorityKeyIdentifier)
                        try extensions.serialize(try contents.license.certificateExtension())
                        extensions.serializeRawBytes(trailingExtensions)
                    }
                }
            }
        }
        let signature = try algorithm.sign(tbs, with: issuerKey)
        return try Self.der { coder in
            try coder.appendConstructedNode(identifier: .sequence) { certificate in
                certificate.serializeRawBytes(tbs)
                certificate.serializeRawBytes(algorithmBytes)
                try certificate.serialize(ASN1BitString(bytes: signature[...]))
            }
        }
    }

    private static func der(_ body: (inout DER.Serializer) throws -> Void) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try body(&serializer)
        return serializer.serializedBytes
    }
}
