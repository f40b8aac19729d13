import CALClient
import CALCore
import CALLicenseServer
import CALLicensing
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("Issuing client licenses")
struct IssuanceTests {
    @Test("A pack of N per-device CALs issues exactly N permanent licenses")
    func packIsNeverOversubscribed() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 3)])
        for index in 1...3 {
            let issued = try deployment.issue(to: try deployment.client("PC-\(index)"))
            #expect(issued.record.seat == index)
        }
        let late = try deployment.client("PC-4")
        #expect(throws: CALError.noSeatAvailable(product: Deployment.product)) { try deployment.issue(to: late) }
        let status = try deployment.server.status()
        #expect(status.products.first?.issued == 3)
        #expect(status.products.first?.free == 0)
        #expect(status.licensesIssued.total == 3)
    }

    @Test("A permanent per-device CAL follows the profile and lasts 52 to 89 days")
    func permanentProfile() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 40)])
        for index in 0..<40 {
            let client = try deployment.client("PC-\(index)")
            let issued = try deployment.issue(to: client)
            let certificate = issued.certificate
            let days = certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore) / 86_400
            #expect(LicensingTerms.permanentLicenseDays.contains(Int(days.rounded())))
            #expect(days == days.rounded())
            #expect(certificate.publicKey == client.publicKey)
            #expect(SubjectNames.commonName(of: certificate.subject) == "PC-\(index)")
            let license = try #require(try LicenseExtension(of: certificate))
            #expect(license.licenseType == .perDevice)
            #expect(license.status == .permanent)
            #expect(license.keyPackID == issued.record.keyPackID)
            #expect(license.seat == issued.record.seat)
            #expect(license.seat != nil)
            #expect(license.licenseServerID == deployment.server.serverID)
            #expect(license.subjectHash == LicenseSubject.device("PC-\(index)").hash)
            #expect(try certificate.extensions.basicConstraints == .notCertificateAuthority)
            #expect(try certificate.extensions.keyUsage == KeyUsage(digitalSignature: true))
            #expect(try certificate.extensions.extendedKeyUsage?.contains(.init(oid: CALKitOID.clientLicenseKeyPurpose)) == true)
            #expect(certificate.extensions.first(where: { $0.oid == CALKitOID.clientLicenseExtension })?.critical == false)
        }
    }

    @Test("A temporary license lasts 90 days, takes no seat and has no pack")
    func temporary() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 1)])
        let issued = try deployment.issue(to: try deployment.client("PC-1"), temporary: true)
        let certificate = issued.certificate
        #expect(certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore) == 90 * 86_400)
        let license = try #require(try LicenseExtension(of: certificate))
        #expect(license.status == .temporary)
        #expect(license.keyPackID == nil)
        #expect(issued.record.seat == nil)
        // The pack's only seat is still free.
        _ = try deployment.issue(to: try deployment.client("PC-2"))
    }

    @Test("Per-user licenses are tracked against their pack but never decremented")
    func perUserTracked() async throws {
        let deployment = try await Deployment.make(packs: [(.perUser, 2)])
        let client = try deployment.client("PC-1")
        for user in ["a@example.com", "b@example.com", "c@example.com"] {
            let issued = try deployment.issue(to: client, user: user)
            let license = try #require(try LicenseExtension(of: issued.certificate))
            #expect(license.licenseType == .perUser)
            #expect(license.subjectHash == LicenseSubject.user(user).hash)
            #expect(issued.record.seat == nil)
        }
        let status = try deployment.server.status()
        #expect(status.licensesIssued.permanentPerUser == 3)
        #expect(status.products.first?.issued == 3)
    }

    @Test("Serial numbers are 16 random positive bytes and never repeat")
    func serials() async throws {
        let deployment = try await Deployment.make(packs: [(.perUser, 1)])
        let client = try deployment.client("PC-1")
        var serials = Set<[UInt8]>()
        for index in 0..<60 {
            let issued = try deployment.issue(to: client, user: "user\(index)@example.com")
            let bytes = issued.certificate.serialNumber.bytes
            #expect(bytes.count == 16)
            #expect(bytes.first.map { $0 != 0 && $0 < 0x80 } == true)
            serials.insert(Array(bytes))
        }
        #expect(serials.count == 60)
        let recorded = Set(try deployment.server.issuedLicenses().map(\.serial))
        #expect(recorded == Set(serials.map { SerialNumbers.hex(Certificate.SerialNumber(bytes: $0)) }))
    }

    @Test("The request type must match the license type, and a forged request is refused")
    func requestChecks() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 2), (.perUser, 2)])
        let client = try deployment.client("PC-1")
        #expect(thrownCode {
            _ = try deployment.server.issue(request: try client.request(), licenseType: .perUser, temporary: false, product: nil)
        } == "request-not-acceptable")
        #expect(thrownCode {
            _ = try deployment.server.issue(request: try client.request(user: "u@example.com"), licenseType: .perDevice, temporary: false, product: nil)
        } == "request-not-acceptable")
        let request = try client.request()
        let forged = try CertificateSigningRequest(
            version: request.version, subject: request.subject, publicKey: try KeyType.p256.generate().publicKey,
            attributes: request.attributes, signatureAlgorithm: request.signatureAlgorithm, signature: request.signature
        )
        #expect(throws: CALError.requestSignatureInvalid) {
            try deployment.server.issue(request: forged, licenseType: .perDevice, temporary: false, product: nil)
        }
        #expect(try deployment.server.status().licensesIssued.total == 0)
    }

    @Test("Without --product the only installed product is used; with several the server asks")
    func productResolution() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 2)])
        let client = try deployment.client("PC-1")
        let issued = try deployment.server.issue(request: try client.request(), licenseType: .perDevice, temporary: false, product: nil)
        #expect(issued.record.product == Deployment.product)
        _ = try await deployment.server.installPack(try deployment.pack(.perDevice, count: 1, product: "Other").signedBytes)
        #expect(throws: CALError.productAmbiguous([Deployment.product, "Other"])) {
            try deployment.server.issue(request: try client.request(), licenseType: .perDevice, temporary: false, product: nil)
        }
        #expect(throws: CALError.noPackForProduct(product: "Missing", type: "per-device")) {
            try deployment.server.issue(request: try client.request(), licenseType: .perDevice, temporary: false, product: "Missing")
        }
    }
}
