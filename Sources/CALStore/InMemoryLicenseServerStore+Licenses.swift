import CALCore
import CALLicensing
import Foundation

/// Licenses: issue, renewal, replacement, transfer and the reads of the logon.
extension InMemoryLicenseServerStore {
    public func issue(
        product: String,
        licenseType: LicenseType,
        permanent: Bool,
        now: Date,
        superseding: String?,
        userLimitFor user: String?,
        expecting: SubjectHistory?,
        mint: (SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try write { state in
            try Self.check(expecting, in: state)
            let grant = try Self.grant(&state, product: product, licenseType: licenseType, permanent: permanent, now: now)
            if let user, permanent, licenseType == LicenseType.perUser {
                try Self.checkUserLimit(state, product: product, user: user, now: now)
            }
            let license = try mint(grant)
            try Self.record(license, holding: grant, in: &state)
            if let superseding, state.license(superseding)?.supersededBy == nil {
                state.update(superseding) { $0.supersededBy = license.serial }
            }
            try state.append(
                at: now, event: "license-issued", subject: license.serial,
                detail: AuditText.license(license) + (superseding.map { "; supersedes \($0)" } ?? "")
            )
            return license
        }
    }

    /// Refuses when the subject's history is no longer what the decision saw.
    static func check(_ expected: SubjectHistory?, in state: State) throws {
        guard let expected else { return }
        let history = state.licenses.filter { $0.subjectName == expected.subjectName && $0.licenseType == expected.licenseType }
        try expected.check(against: SubjectHistory(subjectName: expected.subjectName, licenseType: expected.licenseType, history: history))
    }

    static func checkUserLimit(_ state: State, product: String, user: String, now: Date) throws {
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
    static func record(_ license: IssuedLicense, holding grant: SeatGrant, in state: inout State) throws {
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
        expecting: SubjectHistory?,
        mint: (_ old: IssuedLicense, _ grant: SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try write { state in
            try Self.check(expecting, in: state)
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
                try state.append(at: now, event: "license-renewed", subject: license.serial, detail: AuditText.license(license) + "; renews \(serial)")
            case .replacement(let reason):
                if let reason {
                    state.update(serial) {
                        $0.revokedAt = now
                        $0.revocationReason = reason
                    }
                    state.revokedForTransfer.insert(serial)
                }
                try state.append(
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
            try state.append(
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
}

extension InMemoryLicenseServerStore {
    public func adopt(_ license: IssuedLicense, now: Date) throws -> Bool {
        try write { state in
            if state.license(license.serial) != nil { return true }
            if let pack = license.packID, !state.packs.contains(where: { $0.packID == pack }) { return false }
            if let pack = license.packID, let seat = license.seat {
                guard let current = state.seats[pack]?[seat] else { return false }
                if current.holder != nil, let until = current.heldUntil, until > now { return false }
                state.seats[pack]?[seat] = Seat(holder: license.serial, heldUntil: license.notAfter)
            }
            state.positions[license.serial] = state.licenses.count
            state.licenses.append(license)
            try state.append(at: now, event: "license-adopted", subject: license.serial, detail: AuditText.license(license))
            return true
        }
    }
}
