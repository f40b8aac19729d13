import CALCore
import CALLicensing
internal import CALStore
import X509

/// The telephone method: the operator types in the groups a customer reads out and reads the
/// answer's groups back. What the clearinghouse records and signs is what the file method
/// records and signs; only the way the bytes travel differs.
extension Clearinghouse {
    /// What one telephone exchange produced: the signed object, and the groups to read back.
    public struct TelephoneAnswer<Signed: Sendable>: Sendable {
        /// The certificate chain, key pack or grant the clearinghouse signed and recorded.
        public var signed: Signed
        /// The response to read out.
        public var response: TelephoneMessage
    }

    /// Activates a license server from the groups its administrator read out (a first
    /// activation; a re-key goes by file or over the network, where the current key signs it).
    ///
    /// No signature is read out with the request, so possession of the key is not proven here:
    /// the operator vouches for the caller, as for a file, and the certificate is of no use
    /// without the key. The response verifies only on the server that holds that key and id.
    public func activate(telephoneRequest text: String, days: Int = LicenseServerProfile.defaultDays) throws -> TelephoneAnswer<[Certificate]> {
        guard case .activationRequest(let serverID, let publicKey) = try TelephoneMessage.read(text, expecting: .activationRequest) else {
            throw CALError.telephoneCodeInvalid("not an activation request")
        }
        let signerType = try telephoneKeyType(of: active.root)
        let accepted = LicenseServerProfile.telephoneActivationRequest(serverID: serverID, publicKey: publicKey)
        let chain = try activate(accepted: accepted, days: days, activationCode: nil, requireActivationCode: false)
        return TelephoneAnswer(signed: chain, response: try LicenseServerProfile.telephoneResponse(for: chain[0], days: days, issuerKeyType: signerType))
    }

    /// Sells a key pack to the activated server `serverID` read out by telephone; the response
    /// carries the pack's id, date and signature, and the server rebuilds the pack from them and
    /// the order (type, count, product, version, agreement) its administrator knows.
    public func issuePack(
        telephoneServerID serverID: String,
        licenseType: LicenseType,
        count: Int,
        product: String,
        productVersion: String,
        agreementNumber: String
    ) throws -> TelephoneAnswer<KeyPack> {
        let certificate = try currentCertificate(ofServer: serverID)
        let signerType = try telephoneKeyType(of: try generation(issuing: certificate).signer)
        let pack = try issuePack(
            serverCertificate: certificate, licenseType: licenseType, count: count, product: product, productVersion: productVersion,
            agreementNumber: agreementNumber
        )
        let response = TelephoneMessage.packResponse(
            keyPackID: pack.content.keyPackID, issuedAt: pack.content.issuedAt,
            signature: try TelephoneSignature(signedBy: signerType, in: pack.signedBytes)
        )
        return TelephoneAnswer(signed: pack, response: response)
    }

    /// Authorises the once-only transfer of the seat a license server's administrator read out.
    ///
    /// The license itself cannot be read out, so the clearinghouse checks what it knows: the
    /// pack was sold here, per device, the seat is in it, its server is activated and not
    /// revoked, and the seat was never transferred. The license server checks the rest against
    /// its ledger before it moves the seat: that the serial holds the seat and is standing.
    public func authorizeTransfer(telephoneRequest text: String) throws -> TelephoneAnswer<TransferGrant> {
        guard case .transferRequest(let packID, let seat, let oldSerial) = try TelephoneMessage.read(text, expecting: .transferRequest) else {
            throw CALError.telephoneCodeInvalid("not a transfer request")
        }
        guard let sale = try records({ try $0.soldPacks() }).first(where: { $0.packID == packID }) else {
            throw CALError.notTransferable("key pack \(packID) was not sold by this clearinghouse")
        }
        guard sale.licenseType == LicenseType.perDevice.rawValue else { throw CALError.notTransferable("only per-device CALs move between devices") }
        guard (1...sale.count).contains(seat) else { throw CALError.notTransferable("key pack \(packID) has seats 1 to \(sale.count), not \(seat)") }
        let certificate = try currentCertificate(ofServer: sale.serverID)
        let signerType = try telephoneKeyType(of: try generation(issuing: certificate).signer)
        let grant = try grantTransfer(serverID: sale.serverID, keyPackID: packID, seat: seat, oldSerial: oldSerial)
        let response = TelephoneMessage.transferResponse(
            grantID: grant.content.grantID, issuedAt: grant.content.issuedAt,
            signature: try TelephoneSignature(signedBy: signerType, in: grant.signedBytes)
        )
        return TelephoneAnswer(signed: grant, response: response)
    }

    /// The current certificate of an activated, unrevoked server.
    private func currentCertificate(ofServer serverID: String) throws -> Certificate {
        guard let id = CALIdentifier.normalized(serverID) else { throw CALError.invalidArgument("\(serverID) is not a license-server id") }
        guard let activation = try records({ try $0.activation(serverID: id) }) else {
            throw CALError.invalidArgument("no license server with id \(CALIdentifier.grouped(id)) was activated here")
        }
        guard activation.revokedAt == nil else { throw CALError.invalidArgument("license server \(id)'s certificate is revoked") }
        return try PEMBundle.certificateFromDER(activation.certificate)
    }

    /// The key type of a signer whose signatures go by telephone.
    private func telephoneKeyType(of signer: Certificate) throws -> KeyType {
        let type = try KeyType(of: signer.publicKey)
        guard TelephoneMessage.keyTypes.contains(type) else {
            throw CALError.unsupportedKey("this clearinghouse signs with \(type.rawValue) keys, whose signatures are too long to read out; use the file method")
        }
        return type
    }
}
