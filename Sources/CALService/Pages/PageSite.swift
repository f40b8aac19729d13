import CALCore
import CALWire
import HTTPTypes
import Hummingbird

/// One service's web site: its renderer, the forgery guard of its forms, the sessions of the
/// person its token lets in (operator or administrator), and the limit on the forms that spend
/// codes or try tokens; with the helpers every page controller shares.
struct PageSite: Sendable {
    let renderer: PageRenderer
    let forms: FormGuard
    let sessions: OperatorSessions
    /// Form posts that spend codes or try tokens, per client network.
    let limit: RateLimiter
    let bodyLimit: Int

    init(
        siteName: String, navigation: [(String, String)], templates: [String: String], token: BearerToken?, sessionCookie: String,
        limit: RateLimiter, bodyLimit: Int, secureCookies: Bool
    ) throws {
        renderer = try PageRenderer(siteName: siteName, navigation: navigation, templates: templates.merging(SharedTemplates.all) { own, _ in own })
        forms = FormGuard(secureCookies: secureCookies)
        sessions = OperatorSessions(token: token, cookieName: sessionCookie, secureCookies: secureCookies)
        self.limit = limit
        self.bodyLimit = bodyLimit
    }

    /// A form page: `name` filled with `values` and a form token (with its cookie when new).
    func form(_ name: String, _ request: Request, _ values: [String: Any] = [:], error: CALError? = nil) -> Response {
        let token = forms.token(for: request)
        var values = values
        values["formToken"] = token.value
        if let error { values["error"] = error.detail }
        return renderer.page(name, values, status: error.map(PageRenderer.status(of:)) ?? .ok, cookies: token.cookie.map { [$0] } ?? [])
    }

    /// A page that says one thing, for what is missing or not allowed.
    func message(_ heading: String, _ text: String, status: HTTPResponse.Status, link: (String, String)? = nil) -> Response {
        var values: [String: Any] = ["heading": heading, "text": text, "title": heading]
        if let link { values["link"] = link.0; values["linkLabel"] = link.1 }
        return renderer.page("message", values, status: status)
    }

    /// Throws `rate-limited` when the client's network has sent too many such forms.
    func takeRateLimit(_ context: ServiceRequestContext) throws {
        if let wait = limit.take(for: context.clientKey) {
            throw CALError(.rateLimited, "too many attempts from your network; try again in \(Int(wait.rounded(.up))) seconds")
        }
    }

    /// The fields of a form posted from this site: read, and checked against forgery.
    func postedForm(_ request: inout Request) async throws -> FormFields {
        let fields = try await PageRenderer.form(&request, limit: bodyLimit)
        try forms.check(request, fields)
        return fields
    }

    /// Adds the POST route of the form page `page` at `path`: the form is read, checked against
    /// forgery and the rate limit, and handed to `act`, whose answer (a redirect) is returned;
    /// a failure shows the form again with what was wrong and the values `keep` takes back.
    func addFormPost(
        to routes: ServiceRoutes, _ path: String, page: String, keep: @escaping @Sendable (FormFields) -> [String: Any],
        act: @escaping @Sendable (FormFields) async throws -> Response
    ) {
        routes.add(.post, path) { request, context in
            var request = request
            let fields = try await PageRenderer.form(&request, limit: bodyLimit)
            do {
                try forms.check(request, fields)
                try takeRateLimit(context)
                return try await act(fields)
            } catch let error as CALError {
                return form(page, request, keep(fields), error: error)
            }
        }
    }

    /// The sign-in routes at `path` (GET shows the form, POST opens a session and goes to
    /// `home`) and the sign-out route at `path`/../logout; `who` names the token in the hint.
    func addSignIn(to routes: ServiceRoutes, path: String, logout: String, home: String, hint: String) {
        let page = { @Sendable (request: Request, error: CALError?) -> Response in
            form("login", request, ["action": path, "hint": sessions.isEnabled ? hint : "These pages are off: the service was started without a token.", "title": "Sign in"], error: error)
        }
        routes.add(.get, path) { request, _ in page(request, nil) }
        routes.add(.post, path) { request, context in
            var request = request
            do {
                let fields = try await postedForm(&request)
                try takeRateLimit(context)
                guard sessions.isEnabled else { throw CALError(.adminDisabled, "these pages are off: the service was started without a token") }
                guard let cookie = sessions.open(with: fields.text("token") ?? "") else { throw CALError(.forbidden, "that is not the token") }
                return PageRenderer.redirect(home, cookies: [cookie])
            } catch let error as CALError {
                return page(request, error)
            }
        }
        routes.add(.post, logout) { request, _ in
            var request = request
            _ = try await postedForm(&request)
            return PageRenderer.redirect("/", cookies: [sessions.close(request)])
        }
    }
}
