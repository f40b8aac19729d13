import CALCore
import Foundation
import GRDB

/// Licenses this server signed that its ledger lost (a restore from an older backup without
/// the journal), taken back when a client presents one.
extension SQLiteLicenseServerStore {
    public func adopt(_ license: IssuedLicense, now: Date) throws -> Bool {
        try database.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM licenses WHERE serial = ?", arguments: [license.serial]) == true { return true }
            if let pack = license.packID {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM packs WHERE pack_id = ?", arguments: [pack]) == true else { return false }
            }
            if let pack = license.packID, let seat = license.seat {
                guard let holder = try Row.fetchOne(db, sql: "SELECT holder_serial, not_after FROM seats WHERE pack_id = ? AND seat = ?", arguments: [pack, seat])
                else { return false }
                let heldUntil: Double = try holder.value("not_after")
                if (try holder.value("holder_serial") as String?) != nil && heldUntil > now.timeIntervalSince1970 { return false }
                try db.execute(
                    sql: "UPDATE seats SET holder_serial = ?, not_after = ? WHERE pack_id = ? AND seat = ?",
                    arguments: [license.serial, license.notAfter.timeIntervalSince1970, pack, seat]
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO licenses (serial, license_type, status, product, product_version, subject_name,
                                          pack_id, seat, not_before, not_after, certificate, issuer_key_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    license.serial, license.licenseType, license.status, license.product, license.productVersion, license.subjectName,
                    license.packID, license.seat, license.notBefore.timeIntervalSince1970, license.notAfter.timeIntervalSince1970,
                    Data(license.certificate), license.issuerKeyID,
                ]
            )
            try AuditLog.append(db, at: now, event: "license-adopted", subject: license.serial, detail: AuditText.license(license))
            return true
        }
    }
}
