import CALCore
import CALLicensing
import Foundation

/// The license server's ledger in memory: the twin of ``SQLiteLicenseServerStore`` for tests and
/// for trying rules without a disk. Every write runs on a copy of the state that replaces it
/// only when the whole operation succeeds, so a failed mint or a refusal changes nothing, as a
/// rolled-back transaction would. The same contract suite runs against both.
public final class InMemoryLicenseServerStore: LicenseServerStore, @unchecked Sendable {
    /// One seat of a per-device pack.
    struct Seat {
        var holder: String?
        /// The holder's expiry; nil for a seat never held or reclaimed.
        var heldUntil: Date?
    }

    /// A reclaimed seat, for reports.
    struct Reclaim {
        var packID: String
        var reclaimedAt: Date
    }

    /// Everything the ledger holds.
    struct State {
        var packs: [InstalledPack] = []
        var seats: [String: [Int: Seat]] = [:]
        var licenses: [IssuedLicense] = []
        var positions: [String: Int] = [:]
        var revokedForTransfer: Set<String> = []
        var usedGrants: Set<String> = []
        var reclaims: [Reclaim] = []
        var issuers: [IssuerRecord] = []
        var settings: [String: String] = [:]
        var crlNumber: UInt64 = 0
        var audit: [AuditEntry] = []

        func license(_ serial: String) -> IssuedLicense? { positions[serial].map { licenses[$0] } }

        mutating func update(_ serial: String, _ change: (inout IssuedLicense) -> Void) {
            if let position = positions[serial] { change(&licenses[position]) }
        }

        /// Appends an audit entry chained to the last, timed to the millisecond as SQLite keeps it.
        mutating func append(at time: Date, event: String, subject: String, detail: String = "") {
            let when = Date(timeIntervalSince1970: (time.timeIntervalSince1970 * 1000).rounded() / 1000)
            let sequence = Int64(audit.count + 1)
            let previous = audit.last?.hash ?? AuditEntry.genesisHash
            let hash = AuditEntry.hash(sequence: sequence, at: when, event: event, subject: subject, detail: detail, previousHash: previous)
            audit.append(
                AuditEntry(sequence: sequence, at: when, event: event, subject: subject, detail: detail, previousHash: previous, hash: hash)
            )
        }
    }

    private let lock = NSLock()
    private var state = State()

    /// An empty ledger.
    public init() {}

    private func read<Result>(_ body: (State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(state)
    }

    private func write<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        var copy = state
        let result = try body(&copy)
        state = copy
        return result
    }

    // MARK: Settings and audit

    public func setting(_ name: String) throws -> String? { read { $0.settings[name] } }

    public func setSetting(_ name: String, _ value: String, now: Date) throws {
        write { state in
            state.settings[name] = value
            state.append(at: now, event: "setting-changed", subject: name, detail: "set to \(value)")
        }
    }

    public func auditLog() throws -> [AuditEntry] { read(\.audit) }

    // MARK: Packs and seats

    public func install(_ pack: InstalledPack) throws {
        try write { state in
            guard !state.packs.contains(where: { $0.packID == pack.packID }) else { throw CALError.packAlreadyInstalled(packID: pack.packID) }
            state.packs.append(pack)
            if pack.licenseType == LicenseType.perDevice {
                state.seats[pack.packID] = Dictionary(uniqueKeysWithValues: (1...pack.count).map { ($0, Seat()) })
            }
            state.append(at: pack.installedAt, event: "pack-installed", subject: pack.packID, detail: AuditText.pack(pack))
        }
    }

    public func installedPacks() throws -> [InstalledPack] { read { Self.packs($0) } }

    /// Packs in installation order.
    private static func packs(_ state: State) -> [InstalledPack] {
        state.packs.enumerated().sorted { ($0.element.installedAt, $0.offset) < ($1.element.installedAt, $1.offset) }.map(\.element)
    }

    public func packUsage(at now: Date) throws -> [PackUsage] {
        read { state in
            Self.packs(state).map { pack in
                let issued =
                    pack.licenseType == LicenseType.perDevice
                    ? (state.seats[pack.packID] ?? [:]).values.filter { ($0.heldUntil ?? .distantPast) > now }.count
                    : state.licenses.filter {
                        $0.packID == pack.packID && $0.status == LicenseStatus.permanent && $0.notAfter > now && $0.revokedAt == nil
                    }.count
                return PackUsage(
                    packID: pack.packID, licenseType: pack.licenseType, product: pack.product, productVersion: pack.productVersion,
                    total: pack.count, issued: issued, free: max(0, pack.count - issued)
                )
            }
        }
    }

    public func reclaimExpiredSeats(now: Date) throws -> Int {
        write { state in
            Self.packs(state).filter { $0.licenseType == LicenseType.perDevice }.reduce(0) { total, pack in
                total + Self.reclaim(&state, packID: pack.packID, now: now)
            }
        }
    }

    /// Frees the seats of `packID` whose holder has expired, as ``SeatPolicy`` says.
    private static func reclaim(_ state: inout State, packID: String, now: Date) -> Int {
        var reclaimed = 0
        for (number, seat) in state.seats[packID] ?? [:]
        where SeatPolicy.isReclaimable(SeatPolicy.Seat(number: number, heldUntil: seat.heldUntil), at: now) {
            state.seats[packID]?[number] = Seat()
            state.reclaims.append(Reclaim(packID: packID, reclaimedAt: now))
            reclaimed += 1
        }
        if reclaimed > 0 { state.append(at: now, event: "seats-reclaimed", subject: packID, detail: "\(reclaimed) seats of expired licenses") }
        return reclaimed
    }

    /// What an issuance draws on.
    private static func grant(_ state: inout State, product: String, licenseType: LicenseType, permanent: Bool, now: Date) throws -> SeatGrant {
        let candidates = packs(state).filter { $0.product == product && $0.licenseType == licenseType }
        guard permanent else { return SeatGrant(pack: candidates.first, seat: nil) }
        guard !candidates.isEmpty else { throw CALError.noPackForProduct(product: product, type: licenseType.rawValue) }
        guard licenseType == LicenseType.perDevice else { return SeatGrant(pack: candidates.first, seat: nil) }
        for pack in candidates {
            _ = reclaim(&state, packID: pack.packID, now: now)
            let seats = (state.seats[pack.packID] ?? [:]).map { SeatPolicy.Seat(number: $0.key, heldUntil: $0.value.heldUntil) }
            if let seat = SeatPolicy.choose(from: seats, at: now) { return SeatGrant(pack: pack, seat: seat) }
        }
        throw CALError.noSeatAvailable(product: product)
    }

    // MARK: Licenses

    public func issue(
        product: String,
        licenseType: LicenseType,
        permanent: Bool,
        now: Date,
        superseding: String?,
        userLimitFor user: String?,
        mint: (SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try write { state in
            let grant = try Self.grant(&state, product: product, licenseType: licenseType, permanent: permanent, now: now)
            if let user, permanent, licenseType == LicenseType.perUser {
                try Self.checkUserLimit(state, product: product, user: user, now: now)
            }
            let license = try mint(grant)
            try Self.record(license, holding: grant, in: &state)
            if let superseding, state.license(superseding)?.supersededBy == nil {
                state.update(superseding) { $0.supersededBy = license.serial }
            }
            state.append(
                at: now, event: "license-issued", subject: license.serial,
                detail: AuditText.license(license) + (superseding.map { "; supersedes \($0)" } ?? "")
            )
            return license
        }
    }

    private static func checkUserLimit(_ state: State, product: String, user: String, now: Date) throws {
        let standing = state.licenses.filter {
            $0.product == product && $0.licenseType == LicenseType.perUser && $0.status == LicenseStatus.permanent
                && $0.notAfter > now && $0.revokedAt == nil && $0.supersededBy == nil
        }
        let purchased = state.packs.filter { $0.product == product && $0.licenseType == LicenseType.perUser }.map(\.count).reduce(0, +)
        let limit = PerUserLimit(purchased: purchased)
        guard limit.admits(userHoldsStanding: standing.contains { $0.subjectName == user }, usersHolding: Set(standing.map(\.subjectName)).count)
        else { throw CALError.perUserLimitReached(product: product, purchased: purchased) }
    }

    /// Records a minted license as the holder of its seat.
    private static func record(_ license: IssuedLicense, holding grant: SeatGrant, in state: inout State) throws {
        guard state.positions[license.serial] == nil else { throw CALError.storage("a license with serial \(license.serial) is recorded already") }
        if let keyID = license.issuerKeyID {
            guard state.issuers.first(where: { $0.keyID == keyID })?.status == .active else { throw CALError.issuerNotActive(keyID: keyID) }
        }
        if let pack = grant.pack, let seat = grant.seat {
            state.seats[pack.packID]?[seat] = Seat(holder: license.serial, heldUntil: license.notAfter)
        }
        state.positions[license.serial] = state.licenses.count
        state.licenses.append(license)
    }

    public func reissue(
        serial: String,
        as kind: Reissue,
        now: Date,
        mint: (_ old: IssuedLicense, _ grant: SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try write { state in
            guard let old = state.license(serial) else { throw CALError.unknownSerial(serial) }
            guard old.revokedAt == nil else { throw CALError.alreadyRevoked(serial) }
            if let newer = old.supersededBy { throw CALError.notRenewable("\(serial) was renewed before, by \(newer)") }
            let pack = old.packID.flatMap { id in state.packs.first { $0.packID == id } }
            if let packID = old.packID, let seat = old.seat {
                guard state.seats[packID]?[seat]?.holder == serial else { throw CALError.notRenewable("the seat of \(serial) went to another license after it expired") }
            }
            let grant = SeatGrant(pack: pack, seat: old.seat)
            let license = try mint(old, grant)
            try Self.record(license, holding: grant, in: &state)
            state.update(serial) { $0.supersededBy = license.serial }
            switch kind {
            case .renewal:
                state.append(at: now, event: "license-renewed", subject: license.serial, detail: AuditText.license(license) + "; renews \(serial)")
            case .replacement(let reason):
                if let reason {
                    state.update(serial) {
                        $0.revokedAt = now
                        $0.revocationReason = reason
                    }
                    state.revokedForTransfer.insert(serial)
                }
                state.append(
                    at: now, event: "license-replaced", subject: license.serial,
                    detail: AuditText.license(license) + AuditText.replacement(of: serial, revokedWith: reason)
                )
            }
            return license
        }
    }

    public func transfer(
        _ transfer: TransferRequest,
        now: Date,
        mint: (_ old: IssuedLicense, _ grant: SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try write { state in
            guard !state.usedGrants.contains(transfer.grantID) else { throw CALError.grantAlreadyUsed(grantID: transfer.grantID) }
            guard let old = state.license(transfer.oldSerial) else { throw CALError.unknownSerial(transfer.oldSerial) }
            guard old.revokedAt == nil else { throw CALError.alreadyRevoked(transfer.oldSerial) }
            guard old.packID == transfer.keyPackID, old.seat == transfer.seat,
                let pack = state.packs.first(where: { $0.packID == transfer.keyPackID })
            else {
                throw CALError.notTransferable("the grant's seat is not the seat of license \(transfer.oldSerial)")
            }
            guard state.seats[transfer.keyPackID]?[transfer.seat]?.holder == transfer.oldSerial else {
                throw CALError.notTransferable("the seat of license \(transfer.oldSerial) is no longer held by it")
            }
            state.update(transfer.oldSerial) {
                $0.revokedAt = now
                $0.revocationReason = .superseded
            }
            state.revokedForTransfer.insert(transfer.oldSerial)
            let grant = SeatGrant(pack: pack, seat: transfer.seat)
            let license = try mint(old, grant)
            try Self.record(license, holding: grant, in: &state)
            state.usedGrants.insert(transfer.grantID)
            state.append(
                at: now, event: "license-transferred", subject: license.serial,
                detail: AuditText.license(license) + "; from \(transfer.oldSerial), grant \(transfer.grantID)"
            )
            return license
        }
    }

    public func issuedLicenses() throws -> [IssuedLicense] { read(\.licenses) }

    public func licenses(serial: String) throws -> IssuedLicense? { read { $0.license(serial) } }

    public func currentLicenses(subjectName: String, licenseType: LicenseType, now: Date) throws -> [IssuedLicense] {
        read { state in
            state.licenses.filter {
                $0.subjectName == subjectName && $0.licenseType == licenseType && $0.notAfter > now && $0.revokedAt == nil
                    && $0.supersededBy == nil
            }
        }
    }

    public func logonSnapshot(subjectName: String, licenseType: LicenseType, presentedSerial: String?) throws -> LogonSnapshot {
        read { state in
            LogonSnapshot(
                history: state.licenses.filter { $0.subjectName == subjectName && $0.licenseType == licenseType },
                presented: presentedSerial.flatMap { state.license($0) },
                productsWithPacks: Set(state.packs.filter { $0.licenseType == licenseType }.map(\.product)),
                issuers: state.issuers.map { LogonSnapshot.IssuerKey(keyID: $0.keyID, compromised: $0.status == .compromised) }
            )
        }
    }

    public func issuanceCounts() throws -> IssuanceCounts {
        read { state in
            func count(_ predicate: (IssuedLicense) -> Bool) -> Int { state.licenses.filter(predicate).count }
            let permanent = LicenseStatus.permanent
            return IssuanceCounts(
                total: state.licenses.count,
                permanentPerDevice: count { $0.status == permanent && $0.licenseType == LicenseType.perDevice },
                permanentPerUser: count { $0.status == permanent && $0.licenseType == LicenseType.perUser },
                temporary: count { $0.status == LicenseStatus.temporary }
            )
        }
    }

    // MARK: Revocation

    public func revoke(_ request: RevocationRequest, now: Date) throws -> IssuedLicense {
        try write { state in
            guard let license = state.license(request.serial) else { throw CALError.unknownSerial(request.serial) }
            guard license.revokedAt == nil else { throw CALError.alreadyRevoked(request.serial) }
            let administrative = { (other: IssuedLicense) in
                other.licenseType == LicenseType.perDevice && other.status == LicenseStatus.permanent
                    && other.product == license.product && other.productVersion == license.productVersion
            }
            if !request.forTransfer && administrative(license) {
                let installed = state.packs.filter {
                    $0.licenseType == LicenseType.perDevice && $0.product == license.product && $0.productVersion == license.productVersion
                }.map(\.count).reduce(0, +)
                let quota = RevocationQuota(installed: installed)
                let outstanding = state.licenses.filter {
                    $0.revokedAt != nil && !state.revokedForTransfer.contains($0.serial) && administrative($0) && $0.notAfter > now
                }.count
                guard quota.allowsAnother(outstanding: outstanding) else {
                    throw CALError.revocationQuotaExceeded(product: license.product, productVersion: license.productVersion, limit: quota.limit)
                }
            }
            state.update(request.serial) {
                $0.revokedAt = request.revokedAt
                $0.revocationReason = request.reason
            }
            if request.forTransfer { state.revokedForTransfer.insert(request.serial) }
            if let pack = license.packID, let seat = license.seat, state.seats[pack]?[seat]?.holder == request.serial {
                state.seats[pack]?[seat] = Seat()
            }
            state.append(at: now, event: "license-revoked", subject: request.serial, detail: AuditText.revocation(request))
            return license
        }
    }

    public func publishRevocations<Result>(
        issuerKeyID: String,
        now: Date,
        sign: (_ entries: [RevocationEntry], _ number: UInt64) throws -> Result
    ) throws -> Result {
        try write { state in
            state.crlNumber += 1
            let entries = state.licenses.compactMap { license -> RevocationEntry? in
                guard let revokedAt = license.revokedAt, license.notAfter > now, license.issuerKeyID == issuerKeyID else { return nil }
                return RevocationEntry(serial: license.serial, revokedAt: revokedAt, reason: license.revocationReason ?? .unspecified)
            }.sorted { ($0.revokedAt, $0.serial) < ($1.revokedAt, $1.serial) }
            return try sign(entries, state.crlNumber)
        }
    }

    public func revocationStamp() throws -> String {
        read { state in
            let revoked = state.licenses.compactMap(\.revokedAt)
            return "\(revoked.count)/\(revoked.map(\.timeIntervalSince1970).max() ?? 0)/\(state.issuers.count)"
        }
    }

    public func revocationStatus(of serials: [String], issuerKeyID: String) throws -> IssuerRevocationStatus {
        read { state in
            var licenses: [String: LicenseRecordStatus] = [:]
            for serial in serials {
                guard let license = state.license(serial) else { continue }
                licenses[serial] = LicenseRecordStatus(
                    revocation: license.revokedAt.map { RevocationEntry(serial: serial, revokedAt: $0, reason: license.revocationReason ?? .unspecified) }
                )
            }
            return IssuerRevocationStatus(issuerStatus: state.issuers.first { $0.keyID == issuerKeyID }?.status, licenses: licenses)
        }
    }

    // MARK: Issuers

    public func issuers() throws -> [IssuerRecord] {
        read { state in
            state.issuers.enumerated().sorted { ($0.element.activatedAt, $0.offset) < ($1.element.activatedAt, $1.offset) }.map { entry in
                var issuer = entry.element
                let signed = state.licenses.filter { $0.issuerKeyID == issuer.keyID }
                issuer.licensesIssued = signed.count
                issuer.lastLicenseExpires = signed.map(\.notAfter).max()
                return issuer
            }
        }
    }

    public func issuer(keyID: String) throws -> IssuerRecord? { read { $0.issuers.first { $0.keyID == keyID } } }

    public func activateIssuer(_ issuer: IssuerRecord, previousMovedTo previousFiles: RetiredFiles?, now: Date) throws {
        write { state in
            let first = state.issuers.isEmpty
            let previous = state.issuers.firstIndex { $0.keyFile == issuer.keyFile && $0.keyID != issuer.keyID }
            if let previous {
                if state.issuers[previous].status == .active { state.issuers[previous].status = .retired }
                state.issuers[previous].retiredAt = state.issuers[previous].retiredAt ?? now
                state.issuers[previous].keyFile = previousFiles?.keyFile ?? ""
                state.issuers[previous].chainFile = previousFiles?.chainFile ?? ""
            }
            if let existing = state.issuers.firstIndex(where: { $0.keyID == issuer.keyID }) {
                state.issuers[existing].certificateSerial = issuer.certificateSerial
                state.issuers[existing].certificate = issuer.certificate
                state.issuers[existing].keyFile = issuer.keyFile
                state.issuers[existing].chainFile = issuer.chainFile
            } else {
                var added = issuer
                added.status = .active
                added.activatedAt = now
                added.retiredAt = nil
                added.licensesIssued = 0
                added.lastLicenseExpires = nil
                state.issuers.append(added)
            }
            if first {
                for index in state.licenses.indices where state.licenses[index].issuerKeyID == nil {
                    state.licenses[index].issuerKeyID = issuer.keyID
                }
            }
            let previousKeyID = previous.map { state.issuers[$0].keyID }
            state.append(
                at: now, event: previousKeyID == nil ? "certificate-installed" : "key-rotated", subject: issuer.keyID,
                detail: "certificate \(issuer.certificateSerial)" + (previousKeyID.map { ", replacing key \($0)" } ?? "")
            )
        }
    }

    public func requestRotation(newKeyID: String, compromisedKeyID: String?, now: Date) throws {
        write { state in
            if let compromisedKeyID {
                if let index = state.issuers.firstIndex(where: { $0.keyID == compromisedKeyID }) {
                    state.issuers[index].status = .compromised
                    state.issuers[index].retiredAt = state.issuers[index].retiredAt ?? now
                }
                state.append(at: now, event: "key-compromised", subject: compromisedKeyID, detail: "signs nothing from now on")
            }
            state.append(at: now, event: "key-rotation-requested", subject: newKeyID, detail: compromisedKeyID == nil ? "" : "compromise recovery")
        }
    }

    // MARK: Reports

    public func report(from: Date?, to: Date?, now: Date) throws -> [ProductReport] {
        read { state in
            let start = from ?? .distantPast
            let end = to ?? .distantFuture
            struct Key: Hashable, Comparable {
                let product: String
                let type: LicenseType
                static func < (left: Key, right: Key) -> Bool { (left.product, left.type.rawValue) < (right.product, right.type.rawValue) }
            }
            let keys = Set(state.packs.map { Key(product: $0.product, type: $0.licenseType) } + state.licenses.map { Key(product: $0.product, type: $0.licenseType) })
            return keys.sorted().map { key in
                let packs = state.packs.filter { $0.product == key.product && $0.licenseType == key.type }
                let licenses = state.licenses.filter { $0.product == key.product && $0.licenseType == key.type }
                let purchased = packs.map(\.count).reduce(0, +)
                let standing = { (license: IssuedLicense, status: LicenseStatus) in
                    license.status == status && license.notBefore <= now && license.notAfter > now && license.revokedAt == nil
                        && license.supersededBy == nil
                }
                let active = licenses.filter { standing($0, .permanent) }.count
                let held = packs.flatMap { (state.seats[$0.packID] ?? [:]).values }.filter { ($0.heldUntil ?? .distantPast) > now }.count
                let packIDs = Set(packs.map(\.packID))
                let users = Set(
                    licenses.filter { key.type == LicenseType.perUser && $0.notBefore >= start && $0.notBefore < end }.map(\.subjectName)
                ).count
                return ProductReport(
                    product: key.product,
                    licenseType: key.type,
                    purchased: purchased,
                    permanentIssued: licenses.filter { $0.status == LicenseStatus.permanent && $0.notBefore >= start && $0.notBefore < end }.count,
                    permanentActive: active,
                    temporaryOutstanding: licenses.filter { standing($0, .temporary) }.count,
                    seatsFree: max(0, purchased - (key.type == LicenseType.perDevice ? held : active)),
                    seatsReclaimed: state.reclaims.filter { packIDs.contains($0.packID) && $0.reclaimedAt >= start && $0.reclaimedAt < end }.count,
                    distinctUsers: users,
                    overUse: key.type == LicenseType.perUser && users > purchased
                )
            }
        }
    }
}
