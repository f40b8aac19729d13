import CALCore
import CALLicensing
import Foundation

/// The usage report.
extension InMemoryLicenseServerStore {
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
