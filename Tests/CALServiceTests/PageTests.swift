import CALClearinghouse
import CALCore
import CALLicenseServer
import CALService
import CALTestSupport
import CALWire
import Foundation
import HTTPTypes
import Testing

/// The web pages in process: the headers every page carries, forgery refused, sign-in and its
/// cookie, redirects after success, and what a page echoes escaped.
@Suite("The web pages, in process")
struct PageTests {
    static let operatorToken = "operator-token-0123456789abcdef"
    static let adminToken = "admin-token-0123456789abcdef"

    /// The `name=value` of the Set-Cookie header for `name`, and its attributes.
    static func cookie(_ name: String, in answer: ServiceTesting.Answer) -> (pair: String, attributes: String)? {
        for header in answer.headers[values: .setCookie] where header.hasPrefix(name + "=") {
            let pair = String(header.split(separator: ";").first ?? "")
            return (pair, header)
        }
        return nil
    }

    static func html(_ answer: ServiceTesting.Answer) -> String { String(decoding: answer.body, as: UTF8.self) }

    /// The form token of a page and the cookie that goes with it.
    static func formToken(_ answer: ServiceTesting.Answer) throws -> (field: String, cookie: String) {
        let page = html(answer)
        let value = try #require(page.range(of: "name=\"calkit_form\" value=\"").map { String(page[$0.upperBound...].prefix(64)) })
        let cookie = try #require(Self.cookie("calkit_form", in: answer)).pair
        return (value, cookie)
    }

    static func post(_ client: ServiceTesting.Client, _ path: String, _ fields: [String: String], cookies: [String]) async throws -> ServiceTesting.Answer {
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await client.send(
            .post, path, body: Array(body.utf8), type: "application/x-www-form-urlencoded", headers: [("Cookie", cookies.joined(separator: "; "))]
        )
    }

    @Test("Every page: HTML, no caching, no framing, no script allowed; a form page sets its forgery cookie HTTP-only, Secure, SameSite=Strict")
    func headers() async throws {
        let deployment = try await Deployment.make(packs: [])
        try await ServiceTesting(service: ClearinghouseService(clearinghouse: deployment.clearinghouse)).run { client in
            for path in ["/", "/activate", "/buy", "/transfer", "/operator/login"] {
                let page = try await client.send(.get, path)
                #expect(page.status == 200, "\(path)")
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.headers[.cacheControl] == "no-store")
                #expect(page.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true)
                #expect(page.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(!Self.html(page).contains("<script"))
            }
            let form = try await client.send(.get, "/activate")
            let attributes = try #require(Self.cookie("calkit_form", in: form)).attributes
            #expect(attributes.contains("HttpOnly") && attributes.contains("Secure") && attributes.contains("SameSite=Strict"))
        }
    }

    @Test("A form without its token, with another's token, or with none of its cookie is refused (403) and changes nothing")
    func forgery() async throws {
        let deployment = try await Deployment.make(packs: [])
        let (code, _) = try deployment.clearinghouse.issuePackCode(agreement: "4711", licenseType: .perDevice, product: Deployment.product, productVersion: "1.0", count: 5)
        let order = [
            "serverID": deployment.server.serverID, "packCode": code.description, "agreement": "4711", "product": Deployment.product,
            "productVersion": "1.0", "licenseType": "per-device", "count": "5",
        ]
        try await ServiceTesting(service: ClearinghouseService(clearinghouse: deployment.clearinghouse)).run { client in
            let token = try Self.formToken(try await client.send(.get, "/buy"))
            let noToken = try await Self.post(client, "/buy", order, cookies: [token.cookie])
            #expect(noToken.status == 403 && Self.html(noToken).contains("did not come from this site"))
            var forged = order
            forged["calkit_form"] = String(repeating: "a", count: 64)
            #expect(try await Self.post(client, "/buy", forged, cookies: [token.cookie]).status == 403)
            forged["calkit_form"] = token.field
            #expect(try await Self.post(client, "/buy", forged, cookies: []).status == 403)
            #expect(try deployment.clearinghouse.auditLog().contains { $0.event == "pack-sold" } == false)
            // The real form: a redirect to the pack, which the page then shows.
            let bought = try await Self.post(client, "/buy", forged, cookies: [token.cookie])
            #expect(bought.status == 303)
            let location = try #require(bought.headers[.location])
            #expect(location.hasPrefix("/packs/"))
            let page = try await client.send(.get, location)
            #expect(page.status == 200 && Self.html(page).contains("5 per-device CALs"))
            let file = try await client.send(.get, location + "/keypack.der")
            #expect(file.headers[.contentDisposition] == "attachment; filename=\"keypack.der\"")
            _ = try await deployment.server.installPack(file.body)
        }
    }

    @Test("Operator sign-in: a wrong token is refused; the right one opens a Secure, HTTP-only session; sign-out ends it; without a token the pages are off")
    func operatorSession() async throws {
        let deployment = try await Deployment.make(packs: [])
        try await ServiceTesting(service: ClearinghouseService(clearinghouse: deployment.clearinghouse, operatorToken: BearerToken(Self.operatorToken))).run { client in
            #expect(try await client.send(.get, "/operator").headers[.location] == "/operator/login")
            let token = try Self.formToken(try await client.send(.get, "/operator/login"))
            let wrong = try await Self.post(client, "/operator/login", ["token": "guess", "calkit_form": token.field], cookies: [token.cookie])
            #expect(wrong.status == 403 && Self.cookie("calkit_operator", in: wrong) == nil)
            let right = try await Self.post(client, "/operator/login", ["token": Self.operatorToken, "calkit_form": token.field], cookies: [token.cookie])
            #expect(right.status == 303 && right.headers[.location] == "/operator")
            let session = try #require(Self.cookie("calkit_operator", in: right))
            #expect(session.attributes.contains("HttpOnly") && session.attributes.contains("Secure") && session.attributes.contains("SameSite=Strict"))
            let page = try await client.send(.get, "/operator", headers: [("Cookie", session.pair)])
            #expect(page.status == 200 && Self.html(page).contains("Transfer applications"))
            let out = try await Self.post(client, "/operator/logout", ["calkit_form": token.field], cookies: [token.cookie, session.pair])
            #expect(out.status == 303)
            #expect(try await client.send(.get, "/operator", headers: [("Cookie", session.pair)]).headers[.location] == "/operator/login")
        }
        try await ServiceTesting(service: ClearinghouseService(clearinghouse: deployment.clearinghouse)).run { client in
            let token = try Self.formToken(try await client.send(.get, "/operator/login"))
            let off = try await Self.post(client, "/operator/login", ["token": Self.operatorToken, "calkit_form": token.field], cookies: [token.cookie])
            #expect(off.status == 403 && Self.html(off).contains("pages are off"))
        }
    }

    @Test("The admin page needs a session; what it echoes (a search) is escaped; a revoke needs the box ticked and stays within the quota")
    func adminPage() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 5)])
        let license = try deployment.issue(to: try deployment.client("PC-1")).record
        let second = try deployment.issue(to: try deployment.client("PC-2")).record
        try await ServiceTesting(service: LicenseServerService(server: deployment.server, adminToken: BearerToken(Self.adminToken))).run { client in
            #expect(try await client.send(.get, "/admin").headers[.location] == "/admin/login")
            #expect(try await client.send(.get, "/admin/licenses/\(license.serial)/revoke").headers[.location] == "/admin/login")
            let token = try Self.formToken(try await client.send(.get, "/admin/login"))
            let signedIn = try await Self.post(client, "/admin/login", ["token": Self.adminToken, "calkit_form": token.field], cookies: [token.cookie])
            let session = try #require(Self.cookie("calkit_admin", in: signedIn)).pair
            let cookies = [token.cookie, session]
            let search = try await client.send(.get, "/admin?q=%3Cscript%3Ealert(1)%3C/script%3E", headers: [("Cookie", cookies.joined(separator: "; "))])
            #expect(search.status == 200)
            #expect(!Self.html(search).contains("<script>alert(1)") && Self.html(search).contains("&lt;script&gt;"))
            #expect(Self.html(search).contains("<svg"))
            let path = "/admin/licenses/\(license.serial)/revoke"
            let confirm = try await client.send(.get, path, headers: [("Cookie", cookies.joined(separator: "; "))])
            #expect(Self.html(confirm).contains("The quota allows 1 more"))
            let unticked = try await Self.post(client, path, ["reason": "keyCompromise", "calkit_form": token.field], cookies: cookies)
            #expect(unticked.status == 400 && Self.html(unticked).contains("tick the box"))
            let revoked = try await Self.post(client, path, ["reason": "keyCompromise", "confirm": "yes", "calkit_form": token.field], cookies: cookies)
            #expect(revoked.status == 303)
            #expect(try deployment.server.issuedLicenses().first { $0.serial == license.serial }?.revokedAt != nil)
            // The quota of 5 CALs is one: the second revocation is refused on the page, in words.
            let over = try await Self.post(
                client, "/admin/licenses/\(second.serial)/revoke", ["reason": "keyCompromise", "confirm": "yes", "calkit_form": token.field], cookies: cookies
            )
            #expect(over.status == 409 && Self.html(over).contains("revocation-quota") == false && Self.html(over).contains("quota"))
            #expect(try deployment.server.issuedLicenses().first { $0.serial == second.serial }?.revokedAt == nil)
        }
    }
}
