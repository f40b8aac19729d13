import CALCore
import Foundation
import Testing
import X509

/// The license signer encodes what licenses share once; what it signs must be, byte for byte,
/// what swift-certificates builds for the same contents.
@Suite("ClientLicenseSigner: byte for byte swift-certificates' encoding, signed by the issuer")
struct ClientLicenseSignerTests {
    /// The license as swift-certificates encodes it from the profile's parts: the reference.
    func reference(_ contents: ClientLicenseProfile.Contents, issuer: Certificate, issuerKey: Certificate.PrivateKey) throws -> Certificate {
        var extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([ExtendedKeyUsage.Usage(oid: CALKitOID.clientLicenseKeyPurpose)])
            SubjectKeyIdentifier(hash: contents.publicKey)
            AuthorityKeyIdentifier(keyIdentifier: try issuer.extensions.subjectKeyIdentifier?.keyIdentifier)
            try contents.license.certificateExtension()
        }
        for pointer in try contents.revocationPointers?.extensions() ?? [] { try extensions.append(pointer) }
        return try Certificate(
            version: .v3, serialNumber: contents.serialNumber, publicKey: contents.publicKey,
            notValidBefore: contents.notBefore, notValidAfter: min(contents.notAfter, issuer.notValidAfter),
            issuer: issuer.subject, subject: try SubjectNames.commonName(contents.subject.name),
            signatureAlgorithm: try issuerKey.calkitSignatureAlgorithm, extensions: extensions, issuerPrivateKey: issuerKey
        )
    }

    func contents(notBefore: Date, days: Int, pointers: RevocationPointers?, subject: LicenseSubject) throws -> ClientLicenseProfile.Contents {
        ClientLicenseProfile.Contents(
            publicKey: try KeyType.p256.generate().publicKey,
            subject: subject,
            license: LicenseExtension(
                licenseType: subject.licenseType, status: .permanent, product: "Desk", productVersion: "1",
                licenseServerID: "AGFAFQARWCAYFD9J69WX9G7AEH9TG7EYPWJ", subjectHash: subject.hash, keyPackID: "PACK", seat: 7
            ),
            serialNumber: SerialNumbers.random(),
            notBefore: notBefore,
            notAfter: notBefore.addingDays(days),
            revocationPointers: pointers
        )
    }

    @Test(
        "Every issuer key type, with and without revocation pointers, UTCTime and GeneralizedTime, capped at the issuer's end",
        arguments: KeyType.allCases
    )
    func sameBytes(_ keyType: KeyType) throws {
        let issuerKey = try keyType.generate()
        let now = Date()
        let issuer = try RootProfile.makeCertificate(name: "Issuer \(keyType)", key: issuerKey, notBefore: now, years: 30)
        let pointers = try RevocationPointers(publicURL: "https://licenses.example.com:8750")
        let cases: [ClientLicenseProfile.Contents] = [
            try contents(notBefore: now, days: 60, pointers: nil, subject: .device("PC-1")),
            try contents(notBefore: now, days: 60, pointers: pointers, subject: .user("alice@example.com")),
            // Ends in 2056: GeneralizedTime, and after the issuer (capped).
            try contents(notBefore: now.addingDays(365 * 24), days: 3_650, pointers: nil, subject: .device("PC-2")),
        ]
        for contents in cases {
            let signer = try ClientLicenseSigner(issuer: issuer, issuerKey: issuerKey, revocationPointers: contents.revocationPointers)
            let signed = try Certificate(derEncoded: try signer.sign(contents))
            let expected = try reference(contents, issuer: issuer, issuerKey: issuerKey)
            #expect(signed.tbsCertificateBytes == expected.tbsCertificateBytes)
            #expect(signed.signatureAlgorithm == expected.signatureAlgorithm)
            #expect(issuer.publicKey.isValidSignature(signed.signature, for: signed))
            #expect(signed.notValidAfter == min(contents.notAfter, issuer.notValidAfter))
            // The profile's own maker is the signer.
            let made = try ClientLicenseProfile.makeCertificate(contents, issuer: issuer, issuerKey: issuerKey)
            #expect(made.tbsCertificateBytes == expected.tbsCertificateBytes)
            #expect(try ClientLicenseProfile.check(signed).get() == contents.license)
            // The key as the certificate encodes it, sliced out of the signed bytes.
            #expect(signed.publicKeyInfoBytes == contents.publicKey.publicKeyInfoBytes)
            #expect(issuer.publicKeyInfoBytes == issuerKey.publicKey.publicKeyInfoBytes)
        }
    }

    @Test("A request's SubjectPublicKeyInfo, taken as the client encoded it, is the key's own encoding, for every key type", arguments: KeyType.allCases)
    func keyFromRequest(_ keyType: KeyType) throws {
        let clientKey = try keyType.generate()
        let request = try ClientLicenseRequest.make(for: .device("PC-9"), key: clientKey)
        let reparsed = try CertificateSigningRequest(derEncoded: try request.derBytes())
        let info = try #require(ClientLicenseRequest.publicKeyInfo(of: reparsed))
        #expect(info == clientKey.publicKey.publicKeyInfoBytes)

        let issuerKey = try KeyType.p256.generate()
        let issuer = try RootProfile.makeCertificate(name: "Issuer", key: issuerKey, notBefore: Date(), years: 5)
        var contents = try contents(notBefore: Date(), days: 60, pointers: nil, subject: .device("PC-9"))
        contents.publicKey = reparsed.publicKey
        contents.publicKeyInfo = info
        let signer = try ClientLicenseSigner(issuer: issuer, issuerKey: issuerKey)
        let signed = try Certificate(derEncoded: try signer.sign(contents))
        #expect(signed.tbsCertificateBytes == (try reference(contents, issuer: issuer, issuerKey: issuerKey)).tbsCertificateBytes)
    }
}
