import CALCore
import CALLicensing
internal import CALStore
import Foundation
import X509

/// The vendor's clearinghouse: the root CA that activates license servers and sells them key packs.
public struct Clearinghouse: Sendable {
    /// The file names inside a clearinghouse home.
    public enum Files {
        /// The root private key (0600).
        public static let rootKey = "root-key.pem"
        /// The self-signed root certificate, the trust anchor everyone else is given.
        public static let root = "root.pem"
        /// The signing key for key packs and transfer grants (0600).
        public static let signerKey = "signer-key.pem"
        /// The signing certificate, issued by the root.
        public static let signer = "signer.pem"
        /// The SQLite store.
        public static let store = "calkit.sqlite"
        /// The folder a root rollover moves the previous root, signer and their keys to.
        public static let retired = "retired"
        /// The folder of cross-certificates between successive roots.
        public static let cross = "cross"
    }

    /// The home folder.
    public let home: RoleHome
    /// The active root certificate: new activations happen under it.
    public var root: Certificate { active.root }
    /// The active root's signing certificate.
    public var signer: Certificate { active.signer }
    let active: RootGeneration
    let passphrase: Passphrase?
    let store: any ClearinghouseStore
    let time: any TimeSource

    /// Creates a clearinghouse in a new home: root key and self-signed root certificate. With
    /// `simulatedClock`, the home is marked as made for simulation (see ``RoleHome/Manifest``).
    public static func create(
        at path: String,
        name: String = "CALKit Clearinghouse",
        keyType: KeyType = .p256,
        years: Int = RootProfile.defaultYears,
        time: any TimeSource = SystemTimeSource(),
        passphrase: Passphrase? = nil,
        simulatedClock: Bool = false,
        database: String? = nil
    ) throws -> Clearinghouse {
        guard !name.isEmpty, name.count <= 64 else { throw CALError.invalidArgument("the name must be 1 to 64 characters") }
        guard (1...50).contains(years) else { throw CALError.invalidArgument("the validity must be 1 to 50 years") }
        let key = try keyType.generate()
        let root = try RootProfile.makeCertificate(name: name, key: key, notBefore: time.now, years: years)
        let signerKey = try keyType.cmsSigningKeyType.generate()
        let signer = try SigningCertificateProfile.makeCertificate(
            rootName: name,
            key: signerKey,
            root: root,
            rootKey: key,
            notBefore: time.now
        )
        let location = try database.map { try PostgresClearinghouseStore.unclaimed($0) }
        // A clearinghouse on PostgreSQL has an id: what its ledger records it belongs to.
        let home = try RoleHome.create(
            at: path,
            manifest: .init(
                role: .clearinghouse, name: name, id: location.map { _ in CALIdentifier.random() }, keyType: keyType, simulatedClock: simulatedClock,
                database: location
            )
        )
        try PrivateKeyFile.write(key, to: home.file(Files.rootKey), passphrase: passphrase)
        try PrivateKeyFile.write(signerKey, to: home.file(Files.signerKey), passphrase: passphrase)
        try SecureFile.write(Array(try PEMBundle.pem(of: [root]).utf8), to: home.file(Files.root), overwrite: false)
        try SecureFile.write(Array(try PEMBundle.pem(of: [signer]).utf8), to: home.file(Files.signer), overwrite: false)
        return try Clearinghouse(home: path, time: time, passphrase: passphrase)
    }

    /// Opens an existing clearinghouse home; `passphrase` opens its keys when they are encrypted.
    public init(home path: String, time: any TimeSource = SystemTimeSource(), passphrase: Passphrase? = nil) throws {
        home = try RoleHome.open(at: path, role: .clearinghouse)
        active = try RootGeneration.load(from: home, prefix: "", passphrase: passphrase)
        self.passphrase = passphrase
        store = try Self.openStore(home)
        self.time = time
        // A home made before roots were recorded: its one root is the active root.
        let keyID = active.keyID
        if try !records({ try $0.roots() }).contains(where: { $0.keyID == keyID }) {
            let record = RootRecord(keyID: keyID, certificate: try active.root.derBytes(), filePrefix: "", status: .active, activatedAt: time.now)
            try records { try $0.activateRoot(record, previousPrefix: nil, now: time.now) }
        }
    }

    /// Runs a store call on the clearinghouse's ledger.
    func records<Result>(_ body: (any ClearinghouseStore) throws -> Result) throws -> Result {
        try body(store)
    }


    /// Activates a license server: checks its request and issues its certificate.
    ///
    /// A request from an activated server is a reactivation (re-key): it must name the server's
    /// current certificate and carry that certificate's key's signature over the new key. When it
    /// says the old key is compromised, the old certificate is revoked (keyCompromise) in the
    /// same transaction, so the next root CRL lists it.
    ///
    /// A first activation with `activationCode` spends that one-time code in the same
    /// transaction; with `requireActivationCode` (the automatic method over the network) a first
    /// activation without one is refused. A reactivation proves itself by the continuity
    /// signature of the server's current key and needs no code.
    ///
    /// - Returns: the chain the server installs: its certificate, then the root.
    public func activate(
        _ request: CertificateSigningRequest,
        days: Int = LicenseServerProfile.defaultDays,
        activationCode: ActivationCode? = nil,
        requireActivationCode: Bool = false
    ) throws -> [Certificate] {
        try activate(
            accepted: try LicenseServerProfile.checkActivationRequest(request), days: days, activationCode: activationCode,
            requireActivationCode: requireActivationCode
        )
    }

    /// Activates a license server for a request already checked (a CSR's, or one read out by telephone).
    func activate(
        accepted: LicenseServerProfile.ActivationRequest,
        days: Int,
        activationCode: ActivationCode?,
        requireActivationCode: Bool
    ) throws -> [Certificate] {
        let firstActivation = accepted.continuity == nil
        if requireActivationCode && firstActivation && activationCode == nil { throw CALError.activationCodeRequired }
        let redeeming = firstActivation ? activationCode?.hash : nil
        let now = time.now
        let record: ActivationRecord
        let revokeReason = accepted.continuity?.compromised == true ? RevocationReason.keyCompromise.rawValue : nil
        do {
            record = try store.activate(serverID: accepted.serverID, at: now, revokingPrevious: revokeReason, redeeming: redeeming) { current in
                try Self.checkReactivation(accepted, current: current)
                let certificate = try LicenseServerProfile.makeCertificate(
                    for: accepted,
                    issuer: active.root,
                    issuerKey: active.rootKey,
                    notBefore: now,
                    days: days
                )
                return ActivationRecord(
                    serverID: accepted.serverID,
                    name: accepted.name,
                    certificateSerial: SerialNumbers.hex(certificate.serialNumber),
                    activatedAt: now,
                    notAfter: certificate.notValidAfter,
                    certificate: try certificate.derBytes(),
                    rootKeyID: active.keyID
                )
            }
        } catch let error as CALError where error.code == .alreadyRevoked {
            throw CALError.reactivationRefused(
                "the certificate \(error.context["serial"] ?? "") it replaces is revoked; a revoked server is not re-keyed"
            )
        }
        return [try Certificate(derEncoded: record.certificate), root]
    }

    /// Refuses a second activation without a reactivation, and a reactivation that does not
    /// continue from the server's current, unrevoked certificate.
    private static func checkReactivation(_ request: LicenseServerProfile.ActivationRequest, current: ActivationRecord?) throws {
        guard let current else {
            if request.continuity != nil {
                throw CALError.reactivationRefused("license server \(request.serverID) was never activated here; activate it first")
            }
            return
        }
        guard let continuity = request.continuity else { throw CALError.alreadyActivated(serverID: request.serverID) }
        let previous = try PEMBundle.certificateFromDER(current.certificate)
        guard continuity.previousKey == previous.publicKey else {
            throw CALError.reactivationRefused("it continues from a key that is not the key of the server's current certificate \(current.certificateSerial)")
        }
        guard current.revokedAt == nil else {
            throw CALError.reactivationRefused("the server's certificate \(current.certificateSerial) is revoked")
        }
        guard continuity.isValid(for: request.publicKey) else {
            throw CALError.reactivationRefused("the current key's signature over the new key does not verify")
        }
    }

    /// Sells a key pack to an activated license server, signed by the root. With `packCode` (the
    /// web method), the order must be exactly what the code allows, and the code is spent in the
    /// same transaction as the sale.
    public func issuePack(
        serverCertificate: Certificate,
        licenseType: LicenseType,
        count: Int,
        product: String,
        productVersion: String,
        agreementNumber: String,
        packCode: ActivationCode? = nil
    ) throws -> KeyPack {
        try Self.checkOrder(count: count, product: product, productVersion: productVersion, agreementNumber: agreementNumber)
        let serverID = try activatedServerID(of: serverCertificate)
        // Signed under the root the server's certificate chains to: the root it trusts.
        let generation = try self.generation(issuing: serverCertificate)
        let content = KeyPackContent(
            keyPackID: CALIdentifier.random(),
            licenseServerID: serverID,
            licenseType: licenseType,
            count: count,
            product: product,
            productVersion: productVersion,
            agreementNumber: agreementNumber,
            issuedAt: time.now.wholeSeconds
        )
        let pack = try KeyPack.sign(content, signer: generation.signer, signerKey: generation.signerKey)
        let sale = SoldPack(
            packID: content.keyPackID, serverID: serverID, licenseType: licenseType.rawValue, count: count,
            product: product, productVersion: productVersion, agreementNumber: agreementNumber,
            issuedAt: content.issuedAt
        )
        try store.recordSale(sale, signed: pack.signedBytes, redeeming: packCode?.hash) { code in
            if let mismatch = Self.orderMismatch(code, sale) { throw CALError.invalidArgument(mismatch) }
        }
        return pack
    }

    /// Refuses an order a key pack cannot carry: a seat count out of range, a product name or
    /// version it cannot hold, an agreement number empty or too long.
    static func checkOrder(count: Int, product: String, productVersion: String, agreementNumber: String) throws {
        guard (1...KeyPackContent.maximumCount).contains(count) else {
            throw CALError.invalidArgument("the seat count must be 1 to \(KeyPackContent.maximumCount)")
        }
        try ProductName.validate(product)
        guard productVersion.count <= 32 else { throw CALError.invalidArgument("the product version is at most 32 characters") }
        guard !agreementNumber.isEmpty, agreementNumber.count <= 64 else {
            throw CALError.invalidArgument("the agreement number must be 1 to 64 characters")
        }
    }

    /// The license-server id of a license-server certificate this clearinghouse signed.
    private func issuedServerID(of certificate: Certificate) throws -> String {
        guard let serverID = LicenseServerProfile.serverID(of: certificate) else {
            throw CALError.invalidArgument("the certificate is not a license-server certificate")
        }
        _ = try generation(issuing: certificate)
        return serverID
    }

    /// The license-server id of a server's current certificate, as recorded at its last (re)activation.
    func activatedServerID(of certificate: Certificate) throws -> String {
        let serverID = try issuedServerID(of: certificate)
        let activation: ActivationRecord?
        activation = try store.activation(serverID: serverID)
        guard let activation, activation.certificateSerial == SerialNumbers.hex(certificate.serialNumber) else {
            throw CALError.invalidArgument(
                "license server \(serverID) has no activation on record for this certificate (was the server re-keyed? use its current server-chain.pem)"
            )
        }
        return serverID
    }

    /// Revokes a license-server certificate this clearinghouse issued; licenses chained to it
    /// fail with `issuer-revoked` wherever the root CRL is checked.
    @discardableResult
    public func revokeServer(_ certificate: Certificate, reason: RevocationReason, at revokedAt: Date? = nil) throws -> ServerActivation {
        _ = try issuedServerID(of: certificate)
        let serial = SerialNumbers.hex(certificate.serialNumber)
        let now = time.now
        try ForwardClock.checkRevocationDate(revokedAt ?? now, now: now)
        return ServerActivation(try store.revokeServer(certificateSerial: serial, reason: reason.rawValue, at: revokedAt ?? now, now: now))
    }

    /// Issues the next CRL of one root — the active one, or the retired root whose key id (or a
    /// unique prefix of it) is given: every license-server certificate it issued that is revoked
    /// and not yet expired.
    public func revocationList(rootKeyID: String? = nil, nextUpdateHours: Int = 24) throws -> CertificateRevocationList {
        let generation = try rootKeyID.map { try self.generation(keyID: $0) } ?? active
        let now = time.now
        return try records {
            try $0.publishRevocations(rootKeyID: generation.keyID, now: now) { rows in
                try rows.signedList(issuer: generation.root, key: generation.rootKey, now: now, nextUpdateHours: nextUpdateHours)
            }
        }
    }

    /// Authorises the once-only transfer of a permanent per-device CAL's seat to a new device.
    ///
    /// Checks that the license is a permanent per-device CAL signed by one of this clearinghouse's
    /// activated servers, and that its seat (key pack and seat number, which renewals and earlier
    /// transfers keep) is not in the ledger; records it and signs the grant in one transaction.
    public func authorizeTransfer(of license: Certificate) throws -> TransferGrant {
        let seat = try transferableSeat(of: license)
        return try grantTransfer(serverID: seat.serverID, keyPackID: seat.keyPackID, seat: seat.seat, oldSerial: Array(license.serialNumber.bytes))
    }

    /// The seat of a license that may move now: a standing, permanent per-device CAL signed by
    /// one of this clearinghouse's activated servers (the ledger decides the rest).
    func transferableSeat(of license: Certificate) throws -> (serverID: String, keyPackID: String, seat: Int) {
        let value: LicenseExtension
        switch ClientLicenseProfile.check(license) {
        case .failure(let rejection): throw CALError.notTransferable(rejection.detail)
        case .success(let extensionValue): value = extensionValue
        }
        guard value.licenseType == .perDevice, value.status == .permanent, let packID = value.keyPackID, let seat = value.seat else {
            throw CALError.notTransferable("only permanent per-device CALs move between devices")
        }
        // Only a standing CAL moves; the license server checks the rest against its ledger.
        if let refusal = TransferEligibility.refusal(validFrom: license.notValidBefore, until: license.notValidAfter, at: time.now) {
            throw CALError.notTransferable(refusal)
        }
        let activations: [ActivationRecord]
        activations = try store.serverCertificates()
        let issuer = activations.lazy.compactMap { try? Certificate(derEncoded: $0.certificate) }.first { server in
            server.subject == license.issuer && server.publicKey.isValidSignature(license.signature, for: license)
        }
        guard let issuer, LicenseServerProfile.serverID(of: issuer) == value.licenseServerID else {
            throw CALError.notTransferable("the license was not issued by a license server this clearinghouse activated")
        }
        return (value.licenseServerID, packID, seat)
    }

    /// Records the once-only transfer of a seat and signs its grant, in one transaction.
    /// With `approving`, that transfer application is approved with the grant in the same transaction.
    func grantTransfer(serverID: String, keyPackID: String, seat: Int, oldSerial: [UInt8], approving applicationID: String? = nil) throws -> TransferGrant {
        let content = TransferGrantContent(
            grantID: CALIdentifier.random(),
            licenseServerID: serverID,
            oldSerial: oldSerial,
            keyPackID: keyPackID,
            seat: seat,
            issuedAt: time.now.wholeSeconds
        )
        let record = TransferRecord(
            serverID: serverID, keyPackID: keyPackID, seat: seat, oldSerial: SerialNumbers.hex(oldSerial),
            grantID: content.grantID, grantedAt: content.issuedAt
        )
        // Signed under the root of the server's current certificate, the root the server trusts.
        let current = try records { try $0.activation(serverID: serverID) }
        let generation = try current.map { try self.generation(issuing: try PEMBundle.certificateFromDER($0.certificate)) } ?? active
        return try store.recordTransfer(record, approving: applicationID) {
            try TransferGrant.sign(content, signer: generation.signer, signerKey: generation.signerKey)
        }
    }

    /// Every activation on record.
    public func activations() throws -> [ServerActivation] {
        try store.activations().map(ServerActivation.init)
    }
}
