import CALCore
import CALLicensing
internal import CALStore
import Foundation
@_spi(FixedExpiryValidationTime) import X509

/// A license server: installs key packs from the clearinghouse and mints client licenses.
public struct LicenseServer: Sendable {
    /// The file names inside a license-server home.
    public enum Files {
        /// The server's private key (0600).
        public static let key = "server-key.pem"
        /// The activation request for the clearinghouse.
        public static let activationRequest = "activation-request.pem"
        /// The server's chain: its certificate, then the root.
        public static let chain = "server-chain.pem"
        /// The root the server was activated under, its trust anchor for key packs.
        public static let trustAnchor = "trust-anchor.pem"
        /// The SQLite store.
        public static let store = "calkit.sqlite"
        /// The new key a rotation created, waiting for its certificate (0600).
        public static let pendingKey = "pending-key.pem"
        /// The folder a rotation moves the previous key and chain to; never deleted.
        public static let retired = "retired"
        /// The clearinghouse's signing certificate, kept from a telephone activation: key packs
        /// and grants read out by telephone are rebuilt around it.
        public static let clearinghouseSigner = "clearinghouse-signer.pem"
    }

    /// The home folder.
    public let home: RoleHome
    /// The 35-character license-server id.
    public var serverID: String { home.manifest.id ?? "" }
    /// The server's display name.
    public var name: String { home.manifest.name ?? "" }
    /// The passphrase the server's keys are encrypted under, if they are.
    let passphrase: Passphrase?
    let store: any LicenseServerStore
    let time: any TimeSource
    /// Where licenses say their CRL and OCSP responder are, when the server is served publicly.
    let revocationPointers: RevocationPointers?
    private let chainCache = ParsedFileCache<[Certificate]>()
    private let keyCache = ParsedFileCache<Certificate.PrivateKey>()
    private let issuerCache = DerivedValueCache<Issuer>()
    /// Signed OCSP responses kept per certificate.
    private let ocspCache = OCSPResponseCache()

    /// Creates a license server in a new home: its key, its id, and its activation request.
    /// With `simulatedClock`, the home is marked as made for simulation: only such a home may be
    /// served on a clock other than the system's.
    public static func create(
        at path: String,
        name: String,
        keyType: KeyType = .p256,
        time: any TimeSource = SystemTimeSource(),
        passphrase: Passphrase? = nil,
        simulatedClock: Bool = false,
        database: String? = nil
    ) throws -> LicenseServer {
        guard !name.isEmpty, name.count <= 64 else { throw CALError.invalidArgument("the name must be 1 to 64 characters") }
        let key = try keyType.generate()
        let serverID = CALIdentifier.random()
        let request = try LicenseServerProfile.makeActivationRequest(name: name, serverID: serverID, key: key)
        let location = try database.map { try PostgresLicenseServerStore.unclaimed($0) }
        let home = try RoleHome.create(
            at: path,
            manifest: .init(role: .server, name: name, id: serverID, keyType: keyType, simulatedClock: simulatedClock, database: location)
        )
        try PrivateKeyFile.write(key, to: home.file(Files.key), passphrase: passphrase)
        try SecureFile.write(Array(request.serializeAsPEM().pemString.utf8) + [0x0A], to: home.file(Files.activationRequest))
        return try LicenseServer(home: path, time: time, passphrase: passphrase)
    }

    /// Opens an existing license-server home; `passphrase` opens its key when it is encrypted.
    public init(home path: String, time: any TimeSource = SystemTimeSource(), passphrase: Passphrase? = nil) throws {
        home = try RoleHome.open(at: path, role: .server)
        self.passphrase = passphrase
        let opened = try Self.openStore(of: home)
        store = opened
        self.time = time
        let publicURL = try opened.setting(Self.publicURLSetting)
        revocationPointers = try publicURL.flatMap { $0.isEmpty ? nil : try RevocationPointers(publicURL: $0) }
        let key = try Self.acrossRotation { try currentKey() }
        try recordLedgerCreation()
        // A home activated before issuers were recorded: its one key is the active issuer.
        if FileManager.default.fileExists(atPath: home.file(Files.chain)), let certificate = try chain().first,
            certificate.publicKey == key.publicKey, try records({ try $0.issuer(keyID: key.publicKey.keyIdentifier) }) == nil
        {
            try registerIssuer(certificate, previousMovedTo: nil)
        }
    }

    /// The setting that says when this ledger was created (seconds since 1970): the store's identity
    /// in time. Packs the clearinghouse issued before it do not install (``CALError/Code/packPredatesLedger``).
    static let ledgerCreatedSetting = "ledger-created-at"
    /// The setting holding this ledger's random id, which a reissued pack names (``KeyPackContent/ledgerID``).
    static let ledgerIDSetting = "ledger-id"

    /// Records when a ledger that has never held an activation or a pack was created: now. A
    /// database removed and made again, or a copied home without its database, starts a new
    /// ledger that no earlier pack can be installed into. A ledger from before this rule, which
    /// already holds an activation or packs, keeps every pack it can prove (the distant past).
    private func recordLedgerCreation() throws {
        if try records({ try $0.setting(Self.ledgerCreatedSetting) }) == nil {
            let isNew = try records { try $0.installedPacks().isEmpty && $0.issuers().isEmpty }
            let createdAt = isNew ? time.now.timeIntervalSince1970.rounded(.down) : 0
            _ = try records { try $0.initializeSetting(Self.ledgerCreatedSetting, String(Int(createdAt))) }
        }
        if try records({ try $0.setting(Self.ledgerIDSetting) }) == nil {
            _ = try records { try $0.initializeSetting(Self.ledgerIDSetting, CALIdentifier.random()) }
        }
    }

    /// This ledger's id: what the clearinghouse binds a reissued pack to, so that the reissue
    /// installs into this ledger only (`server status` prints it).
    public func ledgerID() throws -> String {
        guard let id = try records({ try $0.setting(Self.ledgerIDSetting) }) else { throw CALError.storage("the ledger has no id") }
        return id
    }

    /// When this ledger was created (the distant past for a ledger older than the rule).
    public func ledgerCreatedAt() throws -> Date {
        let text = try records { try $0.setting(Self.ledgerCreatedSetting) }
        return Date(timeIntervalSince1970: TimeInterval(text.flatMap(Int.init) ?? 0))
    }

    /// The key in `server-key.pem`, read once and again only when the file is replaced.
    func currentKey() throws -> Certificate.PrivateKey {
        try keyCache.value(at: home.file(Files.key), parse: readKeyFile)
    }

    /// Reads `server-key.pem`, which must hold the key its certificate names (or, before
    /// activation, the key its activation request names): an altered file is ``CALError/Code/corruptKey``.
    private func readKeyFile(_ path: String) throws -> Certificate.PrivateKey {
        let expected: Certificate.PublicKey?
        if FileManager.default.fileExists(atPath: home.file(Files.chain)) {
            expected = try chain().first?.publicKey
        } else if FileManager.default.fileExists(atPath: home.file(Files.activationRequest)) {
            expected = try PEMBundle.request(at: home.file(Files.activationRequest)).publicKey
        } else {
            expected = nil
        }
        return try PrivateKeyFile.read(from: path, passphrase: passphrase, expected: expected)
    }

    // MARK: Activation

    /// Installs the chain the clearinghouse issued (server certificate first, root last).
    ///
    /// Refuses a certificate for another key or another server id, and a chain that does not
    /// verify up to the root it carries; that root becomes the server's trust anchor.
    ///
    /// A certificate for the key a rotation left in `pending-key.pem` completes the rotation: the
    /// previous key and chain move to `retired/`, the new key becomes the active issuer, and the
    /// previous issuer retires (it keeps signing CRLs and OCSP for its licenses).
    public func installCertificate(chain: [Certificate]) async throws -> Certificate {
        guard let certificate = chain.first, let root = chain.last, chain.count >= 2 else {
            throw CALError.chainDoesNotVerify("the file must hold the server certificate followed by the root")
        }
        let pendingPath = home.file(Files.pendingKey)
        let completesRotation: Bool
        if certificate.publicKey == (try currentKey()).publicKey {
            completesRotation = false
        } else if FileManager.default.fileExists(atPath: pendingPath),
            try PrivateKeyFile.read(from: pendingPath, passphrase: passphrase).publicKey == certificate.publicKey
        {
            completesRotation = true
        } else {
            throw CALError.certificateKeyMismatch("the certificate is for neither this server's key nor the key a rotation is waiting with")
        }
        guard LicenseServerProfile.serverID(of: certificate) == serverID else {
            throw CALError.certificateKeyMismatch("the certificate does not name this server's id \(serverID)")
        }
        guard root.issuer == root.subject, root.publicKey.isValidSignature(root.signature, for: root),
            RootProfile.isCertificateAuthority(root)
        else {
            throw CALError.chainDoesNotVerify("the last certificate is not a self-signed clearinghouse root")
        }
        var verifier = Verifier(rootCertificates: CertificateStore([root])) { RFC5280Policy(fixedExpiryValidationTime: time.now) }
        let result = await verifier.validate(leaf: certificate, intermediates: CertificateStore(Array(chain.dropFirst().dropLast())))
        guard case .validCertificate = result else {
            throw CALError.chainDoesNotVerify("the server certificate does not verify up to the root in the file")
        }
        var retiredFiles: RetiredFiles?
        if completesRotation { retiredFiles = try retireActiveKey(replacingWith: pendingPath) }
        try SecureFile.write(Array(try PEMBundle.pem(of: [root]).utf8), to: home.file(Files.trustAnchor))
        try SecureFile.write(Array(try PEMBundle.pem(of: chain).utf8), to: home.file(Files.chain))
        try registerIssuer(certificate, previousMovedTo: retiredFiles)
        return certificate
    }

    /// Records `certificate` (for the key in `server-key.pem`) as the active issuer.
    private func registerIssuer(_ certificate: Certificate, previousMovedTo retiredFiles: RetiredFiles?) throws {
        let record = IssuerRecord(
            keyID: certificate.publicKey.keyIdentifier,
            certificateSerial: SerialNumbers.hex(certificate.serialNumber),
            certificate: try certificate.derBytes(),
            keyFile: Files.key,
            chainFile: Files.chain,
            status: .active,
            activatedAt: time.now
        )
        try records { try $0.activateIssuer(record, previousMovedTo: retiredFiles, now: time.now) }
    }

    /// The installed chain (server certificate, then root); throws if the server is not activated.
    public func chain() throws -> [Certificate] {
        try chainAndGeneration().value
    }

    private func chainAndGeneration() throws -> (value: [Certificate], generation: Int) {
        guard FileManager.default.fileExists(atPath: home.file(Files.chain)) else { throw CALError.notActivated }
        return try chainCache.valueAndGeneration(at: home.file(Files.chain), parse: PEMBundle.certificates(at:))
    }

    /// The active issuer: the key in `server-key.pem` and the certificate of `server-chain.pem`.
    func activeIssuer() throws -> Issuer {
        try Self.acrossRotation {
            let key = try keyCache.valueAndGeneration(at: home.file(Files.key), parse: readKeyFile)
            let chain = try chainAndGeneration()
            // Matched once per version of the two files, not on every signature.
            return try issuerCache.value(for: [key.generation, chain.generation]) {
                guard let certificate = chain.value.first, certificate.publicKey == key.value.publicKey else {
                    throw CALError.certificateKeyMismatch("server-chain.pem does not certify this server's key")
                }
                return try Issuer(certificate: certificate, key: key.value, revocationPointers: revocationPointers)
            }
        }
    }

    /// Runs `body`, trying again for a moment when it finds the key and chain files missing or
    /// mismatched: another process may be completing a rotation, which replaces them by renames.
    static func acrossRotation<Result>(_ body: () throws -> Result) throws -> Result {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as CALError where [.certificateKeyMismatch, .corruptKey, .fileNotFound].contains(error.code) && attempt < 20 {
                attempt += 1
                usleep(25_000)
            }
        }
    }

    // MARK: Key packs

    /// Verifies and installs a signed key pack.
    ///
    /// Refuses a pack not signed by the root this server was activated under, bound to another
    /// server, altered in any byte, installed before (which changes nothing), or issued before
    /// this ledger was created (a rebuilt or copied ledger: ``ledgerCreatedAt()``).
    public func installPack(_ bytes: [UInt8]) async throws -> KeyPackContent {
        _ = try activeIssuer()
        let anchor = try PEMBundle.certificate(at: home.file(Files.trustAnchor))
        let pack = try await KeyPack.verify(bytes, root: anchor, at: time.now)
        guard pack.content.licenseServerID == serverID else {
            throw CALError.packNotForThisServer(packServerID: pack.content.licenseServerID, thisServerID: serverID)
        }
        let content = pack.content
        if let bound = content.ledgerID {
            let own = try ledgerID()
            guard bound == own else {
                throw CALError(.packNotForThisServer, "the reissued key pack \(content.keyPackID) is for ledger \(bound), not this server's ledger \(own)")
            }
        }
        let createdAt = try ledgerCreatedAt()
        guard content.ledgerID != nil || content.issuedAt >= createdAt else {
            throw CALError.packPredatesLedger(packID: content.keyPackID, issuedAt: content.issuedAt, ledgerCreatedAt: createdAt)
        }
        try records {
            try $0.install(
                InstalledPack(
                    packID: content.keyPackID, licenseType: content.licenseType, product: content.product,
                    productVersion: content.productVersion, count: content.count,
                    agreementNumber: content.agreementNumber, installedAt: time.now, signedBytes: bytes
                )
            )
        }
        return content
    }

    // MARK: Issuing

    /// Mints a client license for a client's request.
    ///
    /// A permanent per-device license takes a free seat of an installed pack of the product in
    /// the same transaction that records it; with none free, nothing is issued. Per-user licenses
    /// are recorded against a per-user pack but take no seat. Temporary licenses last ``LicensingTerms/temporaryLicenseDays`` and
    /// take no seat. The license is recorded before it is returned.
    public func issue(
        request: CertificateSigningRequest,
        licenseType: LicenseType,
        temporary: Bool,
        product: String?
    ) throws -> IssuedCertificate {
        let subject = try ClientLicenseRequest.subject(of: request)
        return try issue(request: request, subject: subject, licenseType: licenseType, temporary: temporary, product: product, superseding: nil)
    }

    /// Issues as above for a request whose signature was checked and whose `subject` was read from
    /// it; `superseding` names a license the new one replaces, marked in the same transaction.
    func issue(
        request: CertificateSigningRequest,
        subject: LicenseSubject,
        licenseType: LicenseType,
        temporary: Bool,
        product: String?,
        superseding: String?,
        expecting history: SubjectHistory? = nil
    ) throws -> IssuedCertificate {
        guard subject.licenseType == licenseType else {
            switch licenseType {
            case .perUser:
                throw CALError.requestNotAcceptable("a per-user license needs a request that names its user")
            case .perDevice:
                throw CALError.requestNotAcceptable("the request names a user, so it is for a per-user license")
            }
        }
        let productName = try resolveProduct(product, licenseType: licenseType, temporary: temporary)
        let now = time.now
        let notAfter = LicenseLifetime.notAfter(of: temporary ? .temporary : .permanent, issuedAt: now)
        var userLimit: String?
        if licenseType == .perUser, try enforcesPerUserLimit() { userLimit = subject.name }
        return try commit(for: subject, request: request, now: now) { mint in
            try store.issue(
                product: productName, licenseType: licenseType, permanent: !temporary, now: now, superseding: superseding,
                userLimitFor: userLimit, expecting: history
            ) { grant in
                let license = LicenseExtension(
                    licenseType: licenseType,
                    status: temporary ? .temporary : .permanent,
                    product: productName,
                    productVersion: grant.pack?.productVersion ?? "",
                    licenseServerID: serverID,
                    subjectHash: subject.hash,
                    keyPackID: temporary ? nil : grant.pack?.packID,
                    seat: grant.seat
                )
                return try mint(license, notAfter)
            }
        }
    }

    /// Signs a license certificate and the store record that goes with it.
    func mint(
        _ license: LicenseExtension,
        for subject: LicenseSubject,
        key: ClientKey,
        issuer: Issuer,
        now: Date,
        notAfter: Date
    ) throws -> (Certificate, IssuedLicense) {
        let contents = ClientLicenseProfile.Contents(
            publicKey: key.publicKey,
            subject: subject,
            license: license,
            serialNumber: SerialNumbers.random(),
            notBefore: now,
            notAfter: notAfter,
            revocationPointers: revocationPointers,
            publicKeyInfo: key.info
        )
        let der = try issuer.signer.sign(contents)
        let certificate = try Certificate(derEncoded: der)
        let record = IssuedLicense(
            serial: SerialNumbers.hex(contents.serialNumber),
            licenseType: license.licenseType,
            status: license.status,
            product: license.product,
            productVersion: license.productVersion,
            subjectName: subject.name,
            packID: license.keyPackID,
            seat: license.seat,
            notBefore: certificate.notValidBefore,
            notAfter: certificate.notValidAfter,
            certificate: der,
            issuerKeyID: issuer.keyID
        )
        return (certificate, record)
    }

    // MARK: Policy

    private static let enforcePerUserSetting = "enforce-per-user"
    static let publicURLSetting = "public-url"

    /// Whether per-user issuance stops at the purchased count (strict per-user licensing).
    public func enforcesPerUserLimit() throws -> Bool {
        try records { try $0.setting(Self.enforcePerUserSetting) } == "true"
    }

    /// Sets (or with nil clears) the public base URL licenses point to for their CRL (`/crl`)
    /// and OCSP responder (`/ocsp`). Takes effect for servers opened afterwards.
    public func setPublicURL(_ url: String?) throws {
        if let url { _ = try RevocationPointers(publicURL: url) }
        try records { try $0.setSetting(Self.publicURLSetting, url ?? "", now: time.now) }
    }

    /// Turns strict per-user licensing on or off.
    public func setEnforcesPerUserLimit(_ enforce: Bool) throws {
        try records { try $0.setSetting(Self.enforcePerUserSetting, enforce ? "true" : "false", now: time.now) }
    }

    // MARK: Renewal

    /// Renews a permanent license in its renewal window (``LicenseLifetime``): a new certificate
    /// for the requester's key, a new random permanent lifetime, the same seat; the old serial is marked
    /// superseded. The request must name the same device or user as the license.
    public func renew(serial: String, request: CertificateSigningRequest) throws -> IssuedCertificate {
        try reissue(serial: serial, request: request, subject: try ClientLicenseRequest.subject(of: request), as: .renewal)
    }

    /// Reissues a standing permanent license on its seat for the requester's key, from the
    /// active issuer: a renewal (in its renewal window, for a new permanent lifetime), or a replacement
    /// (any time, same expiry) when the key that signed it was compromised or the client re-keyed.
    /// `subject` is the one read from the request, whose signature was checked.
    func reissue(
        serial: String, request: CertificateSigningRequest, subject: LicenseSubject, as kind: Reissue, expecting history: SubjectHistory? = nil
    ) throws -> IssuedCertificate {
        let now = time.now
        let renewedUntil = LicenseLifetime.notAfter(of: .permanent, issuedAt: now)
        let continuity = (try? KeyContinuity(of: request)).flatMap { $0 }.flatMap { $0.isValid(for: request.publicKey) ? $0 : nil }
        return try commit(for: subject, request: request, now: now) { mint in
            try store.reissue(serial: serial.lowercased(), as: kind, now: now, expecting: history) { old, seat in
                let standing = try old.ledgerLicense()
                if let refusal = ReissueEligibility.refusal(
                    of: standing, for: subject.name, type: subject.licenseType, renewal: kind == .renewal, at: now
                ) {
                    throw CALError.notRenewable(refusal)
                }
                guard
                    KeyPossession.proves(
                        licenseKeyID: standing.keyID, requestKeyID: request.publicKey.keyIdentifier,
                        previousKeyID: continuity?.previousKey.keyIdentifier
                    )
                else {
                    throw CALError.noProofOfPossession(
                        "the request is for another key than license \(old.serial) certifies and carries no continuity signature by that key"
                    )
                }
                let license = LicenseExtension(
                    licenseType: subject.licenseType,
                    status: .permanent,
                    product: old.product,
                    productVersion: old.productVersion,
                    licenseServerID: serverID,
                    subjectHash: subject.hash,
                    keyPackID: old.packID,
                    transferredFrom: try LicenseExtension(of: try PEMBundle.certificateFromDER(old.certificate))?.transferredFrom,
                    seat: seat.seat
                )
                return try mint(license, kind == .renewal ? renewedUntil : old.notAfter)
            }
        }
    }

    /// Frees the seats of expired permanent licenses and says how many (issuing does it too).
    @discardableResult
    public func reclaimExpiredSeats() throws -> Int {
        try records { try $0.reclaimExpiredSeats(now: time.now) }
    }

    // MARK: Transfers

    /// Carries out a transfer the clearinghouse granted: verifies the grant (signature, root,
    /// this server, not used before), revokes the old CAL as superseded, and issues a permanent
    /// CAL for the new device on the same seat, naming the serial it came from — in one transaction.
    public func transfer(grant grantBytes: [UInt8], request: CertificateSigningRequest) async throws -> IssuedCertificate {
        _ = try activeIssuer()
        let anchor = try PEMBundle.certificate(at: home.file(Files.trustAnchor))
        let grant = try await TransferGrant.verify(grantBytes, root: anchor, at: time.now).content
        guard grant.licenseServerID == serverID else {
            throw CALError.grantNotForThisServer(grantServerID: grant.licenseServerID, thisServerID: serverID)
        }
        let subject = try ClientLicenseRequest.subject(of: request)
        guard case .device = subject else {
            throw CALError.requestNotAcceptable("a transferred seat goes to a device; the request must not name a user")
        }
        let now = time.now
        let notAfter = LicenseLifetime.notAfter(of: .permanent, issuedAt: now)
        let transfer = TransferRequest(
            grantID: grant.grantID, oldSerial: SerialNumbers.hex(grant.oldSerial), keyPackID: grant.keyPackID, seat: grant.seat
        )
        return try commit(for: subject, request: request, now: now) { mint in
            try store.transfer(transfer, now: now) { old, seat in
                // Only the standing CAL of the seat moves; the store checked it still holds the seat.
                if let refusal = TransferEligibility.refusal(of: try old.ledgerLicense(), seatHolder: old.serial, at: now) {
                    throw CALError.notTransferable(refusal)
                }
                let license = LicenseExtension(
                    licenseType: .perDevice,
                    status: .permanent,
                    product: old.product,
                    productVersion: old.productVersion,
                    licenseServerID: serverID,
                    subjectHash: subject.hash,
                    keyPackID: seat.pack?.packID,
                    transferredFrom: grant.oldSerial,
                    seat: seat.seat
                )
                return try mint(license, notAfter)
            }
        }
    }

    /// The product to issue for: the one named, or the only one installed for this license type.
    private func resolveProduct(_ product: String?, licenseType: LicenseType, temporary: Bool) throws -> String {
        if let product {
            try ProductName.validate(product)
            return product
        }
        let packs: [InstalledPack]
        packs = try records { try $0.installedPacks() }
        var products: [String] = []
        for pack in packs where pack.licenseType == licenseType && !products.contains(pack.product) {
            products.append(pack.product)
        }
        guard let only = products.first else {
            if temporary { throw CALError.invalidArgument("a temporary license needs its product named") }
            throw CALError.noPackForProduct(product: "any product", type: licenseType.rawValue)
        }
        guard products.count == 1 else { throw CALError.productAmbiguous(products) }
        return only
    }

    // MARK: Revocation

    /// Revokes a license this server issued. A permanent per-device CAL's seat returns to its pack
    /// at once; administrative revocations of those are limited by ``RevocationQuota``: a share of
    /// the product version's installed per-device CALs (at least one) among revoked CALs that have
    /// not yet expired.
    @discardableResult
    public func revoke(serial: String, reason: RevocationReason, at revokedAt: Date? = nil) throws -> LicenseRecord {
        let normalized = serial.lowercased().filter { $0 != ":" }
        guard !normalized.isEmpty, normalized.count <= 40, normalized.allSatisfy(\.isHexDigit) else {
            throw CALError.invalidArgument("a serial number is hexadecimal, as inspection prints it")
        }
        let now = time.now
        try ForwardClock.checkRevocationDate(revokedAt ?? now, now: now)
        let request = RevocationRequest(serial: normalized, reason: reason, revokedAt: revokedAt ?? now)
        return LicenseRecord(try records { try $0.revoke(request, now: now) })
    }

    /// Issues the next CRL of one issuer — the active one, or the retired issuer whose key id
    /// (or a unique prefix of it) is given: every license it signed that is revoked and not yet
    /// expired, signed by that issuer's key. A compromised issuer signs no CRL.
    ///
    /// A complete CRL points at the delta CRL's URL when the server has a public URL, and becomes
    /// the base of the deltas after it. A `delta` CRL (RFC 5280 §5.2.4) lists only the licenses
    /// revoked since that base, so publishing one after a revocation costs that revocation, not
    /// the whole list.
    public func revocationList(issuerKeyID: String? = nil, nextUpdateHours: Int = 24, delta: Bool = false) throws -> CertificateRevocationList {
        let issuer = try signingIssuer(keyID: issuerKeyID)
        let now = time.now
        return try records {
            try $0.publishRevocations(issuerKeyID: issuer.keyID, now: now, delta: delta) { rows in
                try rows.signedList(
                    issuer: issuer.certificate, key: issuer.key, now: now, nextUpdateHours: nextUpdateHours,
                    freshestCRL: revocationPointers?.deltaCRLURL
                )
            }
        }
    }

    /// The active issuer's delta CRL; when that issuer has published no complete CRL yet,
    /// `publishBase` publishes one first (a service serves it, so the delta adds to what it serves).
    public func deltaRevocationList(nextUpdateHours: Int = 24, publishBase: () throws -> Void) throws -> CertificateRevocationList {
        let issuer = try activeIssuer()
        do {
            return try revocationList(nextUpdateHours: nextUpdateHours, delta: true)
        } catch let error as CALError where error == CALError.noCompleteCRL(issuerKeyID: issuer.keyID) {
            try publishBase()
            return try revocationList(nextUpdateHours: nextUpdateHours, delta: true)
        }
    }

    /// Answers a DER OCSP request about licenses this server issued; the response is valid
    /// for `validityHours`. A request that does not parse is `malformed`.
    public func ocspResponse(to requestBytes: [UInt8], validityHours: Int = 24) throws -> OCSPResponse {
        try OCSPResponse(derEncoded: try ocspResponseBytes(to: requestBytes, validityHours: validityHours))
    }

    /// ``ocspResponse(to:validityHours:)``, DER: a request without a nonce about one license is
    /// answered from the ``OCSPResponseCache`` while the ledger still says what the kept
    /// response says and less than half its validity has passed.
    public func ocspResponseBytes(to requestBytes: [UInt8], validityHours: Int = 24) throws -> [UInt8] {
        guard (1...8760).contains(validityHours) else { throw CALError.invalidArgument("the validity must be 1 to 8760 hours") }
        let request: OCSPRequest
        do {
            request = try OCSPRequest(derEncoded: requestBytes)
        } catch {
            throw CALError.malformed(what: "the OCSP request", reason: CALError.reason(describing: error))
        }
        let issuer = try responderIssuer(for: request)
        let responder = OCSPResponder(issuer: issuer, store: store)
        let now = time.now
        let validity = TimeInterval(validityHours) * 3600
        let known = try responder.ledgerStatus(for: request)
        guard request.nonce == nil, request.certificateIDs.count == 1, let id = request.certificateIDs.first else {
            return try responder.respond(to: request, known: known, now: now, validity: validity).derBytes
        }
        let key = OCSPResponseCache.Key(issuerKeyID: issuer.keyID, certificateID: id, validityHours: validityHours)
        let status = issuer.ocspHashes.issued(id) ? known.licenses[SerialNumbers.hex(id.serial)] : nil
        if let kept = ocspCache.response(for: key, status: status, at: now) { return kept }
        let bytes = try responder.respond(to: request, known: known, now: now, validity: validity).derBytes
        ocspCache.keep(bytes, for: key, status: status, producedAt: now, validity: validity)
        return bytes
    }

    /// OCSP requests answered from the cache, and signed anew, since this server was opened.
    public var ocspCacheStatistics: (hits: Int, misses: Int) { ocspCache.statistics }

    /// The issuer that answers an OCSP request: the one its first CertID names, active or retired.
    private func responderIssuer(for request: OCSPRequest) throws -> Issuer {
        let active = try activeIssuer()
        // The active issuer's compromise is checked in the same read as the serials it answers for.
        guard let first = request.certificateIDs.first, !active.ocspHashes.issued(first) else { return active }
        for record in try records({ try $0.issuers() }) where record.status == .retired {
            if let certificate = try? PEMBundle.certificateFromDER(record.certificate), first.isIssued(by: certificate) {
                return try signingIssuer(keyID: record.keyID)
            }
        }
        return try signingIssuer(keyID: nil)
    }

    /// A value that changes whenever a license is revoked or an issuer changes: a published CRL
    /// stays current while it is the same.
    public func revocationStamp() throws -> String { try records { try $0.revocationStamp() } }

    /// Runs a store call on this server's ledger.
    func records<Result>(_ body: (any LicenseServerStore) throws -> Result) throws -> Result {
        try body(store)
    }

    // MARK: Reports

    /// Usage per product and license type: issuance and reclaims between `from` and `to`
    /// (all time when nil), state now; per-user over-use against the purchased count is flagged.
    public func report(from: Date? = nil, to: Date? = nil) throws -> [ProductReport] {
        if let from, let to, from >= to { throw CALError.invalidArgument("the start of the period must be before its end") }
        return try records { try $0.report(from: from, to: to, now: time.now) }
    }

    /// The licenses of a device or user that stand now: not expired, revoked or superseded.
    public func currentLicenses(of subject: LicenseSubject) throws -> [LicenseRecord] {
        try records { try $0.currentLicenses(subjectName: subject.name, licenseType: subject.licenseType, now: time.now) }.map(LicenseRecord.init)
    }

    /// Every license this server issued, oldest first, as recorded.
    public func issuedLicenses() throws -> [LicenseRecord] {
        try records { try $0.issuedLicenses() }.map(LicenseRecord.init)
    }

    /// The server's packs, their use, and counts of what it issued.
    public func status() throws -> ServerStatus {
        let certificate = (try? activeIssuer())?.certificate
        let packs = try store.packUsage(at: time.now)
        return ServerStatus(
            name: name,
            serverID: serverID,
            activated: certificate != nil,
            certificateNotAfter: certificate?.notValidAfter,
            packs: packs,
            products: ProductUsage.summing(packs),
            licensesIssued: try store.issuanceCounts(),
            issuers: try store.issuers().map { IssuerStatus($0, now: time.now) },
            rotationPending: FileManager.default.fileExists(atPath: home.file(Files.pendingKey)),
            ledgerID: try ledgerID(),
            ledgerCreatedAt: try ledgerCreatedAt()
        )
    }
}
