import CALCore
import CALLicenseServer
import CALLicensing
import CALWire
import Foundation
import Hummingbird

/// The license-server administrator's page, served by `calkit server serve` at `/admin` behind
/// the admin token (sign-in form, session cookie): packs and seat use, the revocation quota,
/// per-user use over time (charts in SVG), licenses found by device, user or serial and revoked
/// after a confirmation within the quota, enrolled hosts, and the audit trail with its verification.
struct AdminPages: Sendable {
    let server: LicenseServer
    let site: PageSite

    init(server: LicenseServer, adminToken: BearerToken?, bodyLimit: Int, secureCookies: Bool) throws {
        self.server = server
        site = try PageSite(
            siteName: "CALKit License Server", navigation: [("/admin", "Overview"), ("/admin#licenses", "Licenses"), ("/admin#audit", "Audit")],
            templates: AdminTemplates.all, token: adminToken, sessionCookie: "calkit_admin", limit: RateLimiter(limit: 10, per: 60),
            bodyLimit: bodyLimit, secureCookies: secureCookies
        )
    }

    func add(to routes: ServiceRoutes) {
        site.addSignIn(
            to: routes, path: "/admin/login", logout: "/admin/logout", home: "/admin",
            hint: "The admin token this service was started with."
        )
        routes.add(.get, "/admin") { request, _ in
            guard site.sessions.isSignedIn(request) else { return PageRenderer.redirect("/admin/login") }
            let query = request.uri.queryParameters.get("q") ?? ""
            var notice: String?
            if let serial = request.uri.queryParameters.get("revoked") { notice = "License \(serial) is revoked; its seat, if it held one, is free again. Publish a new CRL for verifiers that do not ask this service." }
            return site.form("admin", request, try await overview(query: query, notice: notice))
        }
        routes.add(.get, "/admin/licenses/{serial}/revoke") { request, context in
            guard site.sessions.isSignedIn(request) else { return PageRenderer.redirect("/admin/login") }
            guard let values = try confirmation(context.parameters.get("serial") ?? "") else { return noLicense() }
            return site.form("revoke", request, values)
        }
        routes.add(.post, "/admin/licenses/{serial}/revoke") { request, context in
            guard site.sessions.isSignedIn(request) else { return PageRenderer.redirect("/admin/login") }
            let serial = context.parameters.get("serial") ?? ""
            guard let values = try confirmation(serial) else { return noLicense() }
            var request = request
            do {
                let fields = try await site.postedForm(&request)
                guard fields.text("confirm") == "yes" else { throw CALError.invalidArgument("tick the box to confirm the revocation") }
                guard let reason = fields.text("reason").flatMap(RevocationReason.init(name:)), Self.reasons.contains(reason.name) else {
                    throw CALError.invalidArgument("choose a reason from the list")
                }
                let server = server
                let revoked = try await LedgerWork.run { try server.revoke(serial: serial, reason: reason) }
                return PageRenderer.redirect("/admin?revoked=\(revoked.serial)#licenses")
            } catch let error as CALError {
                return site.form("revoke", request, values, error: error)
            }
        }
    }

    /// The reasons an administrator picks from (superseded and the like belong to transfers and renewals).
    static let reasons = ["unspecified", "keyCompromise", "affiliationChanged", "cessationOfOperation", "privilegeWithdrawn"]

    private func overview(query: String, notice: String?) async throws -> [String: Any] {
        let status = try server.status()
        let products = Dictionary(grouping: status.packs) { "\($0.product) \($0.productVersion) (\($0.licenseType.rawValue))" }
        let seatRows: [(label: String, used: Int, total: Int)] = products.keys.sorted().map { key in
            let packs = products[key] ?? []
            let used = packs.reduce(0) { $0 + $1.issued }
            let total = packs.reduce(0) { $0 + $1.total }
            return (label: key, used: used, total: total)
        }
        let licenses = try server.findLicenses(matching: query)
        let now = server.currentTime
        var values: [String: Any] = [:]
        values["title"] = "\(status.name) — administration"
        values["name"] = status.name
        values["serverID"] = status.serverID
        values["ledgerID"] = status.ledgerID
        values["issuedTotal"] = status.licensesIssued.total
        values["query"] = query
        values["seatChart"] = SVGChart.bars(seatRows, title: "Seat use per product")
        values["packs"] = status.packs.map(Self.row(_:))
        values["quotas"] = try server.revocationQuotas().map(Self.row(_:))
        values["perUser"] = try server.perUserUse().map(Self.row(_:))
        values["licenses"] = licenses.map { Self.row($0, now: now) }
        values["more"] = licenses.count < status.licensesIssued.total && query.isEmpty
        values["shown"] = licenses.count
        values["hosts"] = try server.enrolledHosts().map(Self.row(_:))
        let revoked = try server.issuedLicenses().filter { $0.revokedAt != nil }.suffix(50).reversed()
        values["hasRevoked"] = !revoked.isEmpty
        values["revoked"] = revoked.map {
            ["serial": $0.serial, "subject": $0.subject, "revokedAt": $0.revokedAt?.iso8601 ?? "", "reason": $0.revocationReason?.name ?? ""]
        }
        if let certificateNotAfter = status.certificateNotAfter { values["activatedUntil"] = certificateNotAfter.iso8601 }
        if let notice { values["notice"] = notice }
        do {
            let verification = try await server.verifyAudit(expectedHead: nil)
            values["auditOK"] = true
            values["auditEntries"] = verification.entries
            values["auditHead"] = verification.head
        } catch let error as CALError {
            values["auditBroken"] = error.detail
        }
        values["audit"] = try server.auditLog().suffix(25).reversed().map {
            ["sequence": $0.sequence, "at": $0.at.iso8601, "event": $0.event, "subject": $0.subject, "detail": $0.detail] as [String: Any]
        }
        return values
    }

    private static func row(_ pack: PackUsage) -> [String: Any] {
        [
            "packID": pack.packID, "product": pack.product, "productVersion": pack.productVersion, "licenseType": pack.licenseType.rawValue,
            "total": pack.total, "issued": pack.issued, "free": pack.free,
        ]
    }

    private static func row(_ quota: RevocationQuotaUsage) -> [String: Any] {
        [
            "product": quota.product, "productVersion": quota.productVersion, "installed": quota.installed, "limit": quota.limit,
            "outstanding": quota.outstanding, "remaining": quota.remaining,
        ]
    }

    private static func row(_ use: PerUserUse) -> [String: Any] {
        let title = "Users of \(use.product) per day against \(use.purchased) purchased"
        return ["product": use.product, "overUse": use.overUse, "chart": SVGChart.line(use.users, limit: use.purchased, days: use.days, title: title)]
    }

    private static func row(_ host: HostEnrolment) -> [String: Any] {
        ["name": host.name, "enrolledAt": host.enrolledAt.iso8601, "state": host.removedAt.map { "removed \($0.iso8601)" } ?? "enrolled"]
    }

    private static func row(_ license: LicenseRecord, now: Date) -> [String: Any] {
        let state: String
        if license.revokedAt != nil {
            state = "revoked"
        } else if license.supersededBy != nil {
            state = "superseded"
        } else if license.notAfter <= now {
            state = "expired"
        } else {
            state = "\(license.status.rawValue) \(license.licenseType.rawValue)"
        }
        return [
            "serial": license.serial, "subject": license.subject, "product": license.product, "productVersion": license.productVersion,
            "state": state, "notAfter": license.notAfter.iso8601, "revocable": license.revokedAt == nil && license.notAfter > now,
        ]
    }

    private func confirmation(_ serial: String) throws -> [String: Any]? {
        guard let license = try server.license(serial: serial) else { return nil }
        var values: [String: Any] = [
            "title": "Revoke a license", "serial": license.serial, "subject": license.subject, "product": license.product,
            "productVersion": license.productVersion, "status": license.status.rawValue, "licenseType": license.licenseType.rawValue,
            "notAfter": license.notAfter.iso8601, "reasons": Self.reasons,
        ]
        if let seat = license.seat {
            values["seat"] = String(seat)
            values["keyPackID"] = license.keyPackID ?? ""
        }
        if license.licenseType == .perDevice, license.status == .permanent,
            let quota = try server.revocationQuotas().first(where: { $0.product == license.product && $0.productVersion == license.productVersion })
        {
            values["quota"] = ["remaining": quota.remaining, "outstanding": quota.outstanding, "limit": quota.limit, "product": quota.product, "productVersion": quota.productVersion] as [String: Any]
        }
        return values
    }

    private func noLicense() -> Response {
        site.message("No such license", "This server issued no license with that serial.", status: .notFound, link: ("/admin#licenses", "Back to the licenses"))
    }
}
