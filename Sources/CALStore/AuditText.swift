import CALCore

/// How audit entries describe what changed: one wording for every ledger, SQLite or in memory.
enum AuditText {
    /// A license: its kind, product, subject, seat and end.
    static func license(_ license: IssuedLicense) -> String {
        var text = "\(license.status) \(license.licenseType) \(license.product) \(license.productVersion) for \(license.subjectName)"
        if let pack = license.packID, let seat = license.seat { text += ", pack \(pack) seat \(seat)" }
        return text + ", until \(AuditEntry.timestamp(license.notAfter))"
    }

    /// An installed pack.
    static func pack(_ pack: InstalledPack) -> String {
        "\(pack.count) \(pack.licenseType) \(pack.product) \(pack.productVersion), agreement \(pack.agreementNumber)"
    }

    /// A revocation.
    static func revocation(_ request: RevocationRequest) -> String {
        "reason \(request.reason.rawValue), effective \(AuditEntry.timestamp(request.revokedAt))"
    }

    /// A replacement on a seat.
    static func replacement(of serial: String, revokedWith reason: RevocationReason?) -> String {
        "; replaces \(serial)" + (reason.map { ", revoked with reason \($0.rawValue)" } ?? "")
    }
}
