import CALCore
import CALLicensing
import Foundation

/// Revocation: the quota, the CRL entries and OCSP status.
extension InMemoryLicenseServerStore {
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
            try state.append(at: now, event: "license-revoked", subject: request.serial, detail: AuditText.revocation(request))
            return license
        }
    }

    public func revocationQuotas(now: Date) throws -> [RevocationQuotaUsage] {
        read { state in
            let versions = Set(state.packs.filter { $0.licenseType == LicenseType.perDevice }.map { [$0.product, $0.productVersion] })
            return versions.sorted { $0.lexicographicallyPrecedes($1) }.map { version in
                let installed = state.packs.filter { $0.licenseType == LicenseType.perDevice && [$0.product, $0.productVersion] == version }.map(\.count).reduce(0, +)
                let outstanding = state.licenses.filter {
                    $0.revokedAt != nil && !state.revokedForTransfer.contains($0.serial) && $0.licenseType == LicenseType.perDevice
                        && $0.status == LicenseStatus.permanent && [$0.product, $0.productVersion] == version && $0.notAfter > now
                }.count
                return RevocationQuotaUsage(product: version[0], productVersion: version[1], installed: installed, outstanding: outstanding)
            }
        }
    }

    public func publishRevocations<Result>(
        issuerKeyID: String,
        now: Date,
        delta: Bool,
        sign: (RevokedRows) throws -> Result
    ) throws -> Result {
        try write { state in
            var base: (number: UInt64, covered: Int)?
            if delta {
                guard let recorded = state.crlBases[issuerKeyID] else { throw CALError.noCompleteCRL(issuerKeyID: issuerKeyID) }
                base = recorded
            }
            state.crlNumber += 1
            let listed = base.map { Set(state.revocationLog[$0.covered...]) }
            let entries = state.licenses.compactMap { license -> RevocationEntry? in
                guard let revokedAt = license.revokedAt, license.notAfter > now, license.issuerKeyID == issuerKeyID,
                    listed?.contains(license.serial) ?? true
                else { return nil }
                return RevocationEntry(serial: license.serial, revokedAt: revokedAt, reason: license.revocationReason ?? .unspecified)
            }.sorted { ($0.revokedAt, $0.serial) < ($1.revokedAt, $1.serial) }
            if !delta { state.crlBases[issuerKeyID] = (state.crlNumber, state.revocationLog.count) }
            return try sign(RevokedRows(number: state.crlNumber, deltaBase: base?.number, entries: entries))
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
}
