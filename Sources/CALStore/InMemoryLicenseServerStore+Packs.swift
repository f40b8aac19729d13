import CALCore
import CALLicensing
import Foundation

/// Packs and seats: installation, usage, reclaim and the seat grant.
extension InMemoryLicenseServerStore {
    public func install(_ pack: InstalledPack) throws {
        try write { state in
            guard !state.packs.contains(where: { $0.packID == pack.packID }) else { throw CALError.packAlreadyInstalled(packID: pack.packID) }
            state.packs.append(pack)
            if pack.licenseType == LicenseType.perDevice {
                state.seats[pack.packID] = Dictionary(uniqueKeysWithValues: (1...pack.count).map { ($0, Seat()) })
            }
            try state.append(at: pack.installedAt, event: "pack-installed", subject: pack.packID, detail: AuditText.pack(pack))
        }
    }

    public func installedPacks() throws -> [InstalledPack] { read { Self.packs($0) } }

    /// Packs in installation order.
    static func packs(_ state: State) -> [InstalledPack] {
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
        try write { state in
            try Self.packs(state).filter { $0.licenseType == LicenseType.perDevice }.reduce(0) { total, pack in
                try total + Self.reclaim(&state, packID: pack.packID, now: now)
            }
        }
    }

    /// Frees the seats of `packID` whose holder has expired, as ``SeatPolicy`` says.
    static func reclaim(_ state: inout State, packID: String, now: Date) throws -> Int {
        var reclaimed = 0
        for (number, seat) in state.seats[packID] ?? [:]
        where SeatPolicy.isReclaimable(SeatPolicy.Seat(number: number, heldUntil: seat.heldUntil), at: now) {
            state.seats[packID]?[number] = Seat()
            state.reclaims.append(Reclaim(packID: packID, reclaimedAt: now))
            reclaimed += 1
        }
        if reclaimed > 0 { try state.append(at: now, event: "seats-reclaimed", subject: packID, detail: "\(reclaimed) seats of expired licenses") }
        return reclaimed
    }

    /// What an issuance draws on.
    static func grant(_ state: inout State, product: String, licenseType: LicenseType, permanent: Bool, now: Date) throws -> SeatGrant {
        let candidates = packs(state).filter { $0.product == product && $0.licenseType == licenseType }
        guard permanent else { return SeatGrant(pack: candidates.first, seat: nil) }
        guard !candidates.isEmpty else { throw CALError.noPackForProduct(product: product, type: licenseType.rawValue) }
        guard licenseType == LicenseType.perDevice else { return SeatGrant(pack: candidates.first, seat: nil) }
        for pack in candidates {
            _ = try reclaim(&state, packID: pack.packID, now: now)
            let seats = (state.seats[pack.packID] ?? [:]).map { SeatPolicy.Seat(number: $0.key, heldUntil: $0.value.heldUntil) }
            if let seat = SeatPolicy.choose(from: seats, at: now) { return SeatGrant(pack: pack, seat: seat) }
        }
        throw CALError.noSeatAvailable(product: product)
    }
}
