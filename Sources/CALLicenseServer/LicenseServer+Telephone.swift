import CALCore
import CALLicensing
internal import CALStore
import Foundation
import X509

/// The telephone method on the license server: the requests its administrator reads out, and
/// the installation of what the clearinghouse operator reads back. Each response is rebuilt
/// into the certificate, key pack or grant the clearinghouse signed, and installed through the
/// same checks as a file: nothing read out is believed before its signature verifies.
extension LicenseServer {
    /// The activation request to read out: this server's id and public key.
    public func telephoneActivationRequest() throws -> TelephoneMessage {
        let request = try PEMBundle.request(at: home.file(Files.activationRequest))
        return .activationRequest(serverID: serverID, publicKey: request.publicKey)
    }

    /// Installs the certificate an activation response read out describes.
    ///
    /// `vendorCertificates` are the clearinghouse's published certificates, which come with the
    /// product: its root (required: it signed the certificate and becomes the trust anchor) and
    /// its signing certificate (kept for key packs and grants that come by telephone).
    public func installTelephoneActivation(_ text: String, vendorCertificates: [Certificate]) async throws -> Certificate {
        guard case .activationResponse(let serial, let notBefore, let days, let signature) = try TelephoneMessage.read(text, expecting: .activationResponse) else {
            throw CALError.telephoneCodeInvalid("not an activation response")
        }
        guard let root = vendorCertificates.first(where: { RootProfile.isCertificateAuthority($0) && $0.issuer == $0.subject }) else {
            throw CALError.chainDoesNotVerify("the vendor's certificates hold no clearinghouse root")
        }
        let signer = vendorCertificates.first { SigningCertificateProfile.isSigner($0, for: root) }
        let request = try PEMBundle.request(at: home.file(Files.activationRequest))
        let certificate = try LicenseServerProfile.rebuildCertificate(
            for: LicenseServerProfile.telephoneActivationRequest(serverID: serverID, publicKey: request.publicKey),
            issuer: root, serial: serial, notBefore: notBefore, days: days, signature: signature
        )
        guard root.publicKey.isValidSignature(certificate.signature, for: certificate) else {
            throw CALError.telephoneCodeInvalid(
                "the response does not verify for this server under this root: check that it answers this server's request, that the root is the clearinghouse's, and read the groups again"
            )
        }
        let installed = try await installCertificate(chain: [certificate, root])
        if let signer { try saveClearinghouseSigner(signer) }
        return installed
    }

    /// Installs the key pack a pack response read out describes, rebuilt with the order its
    /// administrator placed (type, count, product, version, agreement): a field told wrongly,
    /// like a group read wrongly, leaves a pack whose signature does not verify.
    public func installTelephonePack(
        _ text: String,
        licenseType: LicenseType,
        count: Int,
        product: String,
        productVersion: String,
        agreementNumber: String,
        signer: Certificate? = nil
    ) async throws -> KeyPackContent {
        guard case .packResponse(let packID, let issuedAt, let signature) = try TelephoneMessage.read(text, expecting: .packResponse) else {
            throw CALError.telephoneCodeInvalid("not a key pack response")
        }
        let content = KeyPackContent(
            keyPackID: packID, licenseServerID: serverID, licenseType: licenseType, count: count, product: product,
            productVersion: productVersion, agreementNumber: agreementNumber, issuedAt: issuedAt
        )
        let bytes = try SignedEnvelope.rebuild(
            try content.derBytes(), certificate: try signer ?? clearinghouseSigner(), signingTime: issuedAt, signature: signature
        )
        do {
            return try await installPack(bytes)
        } catch let error as CALError where error.code == .packSignatureInvalid {
            throw CALError.packSignatureInvalid(
                "it does not verify with this order: check the type, count, product, version and agreement, and read the groups again"
            )
        }
    }

    /// The transfer request to read out for the CAL `serial`: its key pack, seat and serial.
    public func telephoneTransferRequest(serial: String) throws -> TelephoneMessage {
        guard let license = try license(serial: serial) else { throw CALError.unknownSerial(serial) }
        guard let packID = license.keyPackID, let seat = license.seat else {
            throw CALError.notTransferable("license \(serial) holds no seat of a key pack")
        }
        return .transferRequest(keyPackID: packID, seat: seat, oldSerial: try SerialNumbers.bytes(fromHex: license.serial))
    }

    /// Moves the seat of the CAL `serial` to the device of `request` under the grant a transfer
    /// response read out describes, rebuilt from this server's ledger.
    public func transfer(
        telephoneResponse text: String,
        serial: String,
        request: CertificateSigningRequest,
        signer: Certificate? = nil
    ) async throws -> IssuedCertificate {
        guard case .transferResponse(let grantID, let issuedAt, let signature) = try TelephoneMessage.read(text, expecting: .transferResponse) else {
            throw CALError.telephoneCodeInvalid("not a transfer response")
        }
        guard case .transferRequest(let packID, let seat, let oldSerial) = try telephoneTransferRequest(serial: serial) else {
            throw CALError.unknownSerial(serial)
        }
        let content = TransferGrantContent(
            grantID: grantID, licenseServerID: serverID, oldSerial: oldSerial, keyPackID: packID, seat: seat, issuedAt: issuedAt
        )
        let bytes = try SignedEnvelope.rebuild(
            try content.derBytes(), certificate: try signer ?? clearinghouseSigner(), signingTime: issuedAt, signature: signature
        )
        do {
            return try await transfer(grant: bytes, request: request)
        } catch let error as CALError where error.code == .grantSignatureInvalid {
            throw CALError.grantSignatureInvalid(
                "it does not verify for license \(serial): check that it answers this license's request, and read the groups again"
            )
        }
    }

    /// The clearinghouse's signing certificate kept from a telephone activation.
    func clearinghouseSigner() throws -> Certificate {
        let path = home.file(Files.clearinghouseSigner)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CALError.invalidArgument(
                "the clearinghouse's signing certificate is not known here: give it with the vendor's certificates (signer.pem)"
            )
        }
        return try PEMBundle.certificate(at: path)
    }

    private func saveClearinghouseSigner(_ signer: Certificate) throws {
        try SecureFile.write(Array(try PEMBundle.pem(of: [signer]).utf8), to: home.file(Files.clearinghouseSigner))
    }
}
