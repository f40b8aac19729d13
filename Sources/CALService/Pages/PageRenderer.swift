import CALCore
import CALWire
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders the web pages of a service from its Mustache templates, each inside the shared
/// layout, and answers them with the headers every page carries: no caching, no framing, no
/// script at all (the pages work without JavaScript, and the policy forbids any).
struct PageRenderer: Sendable {
    private let library: MustacheLibrary
    /// The site's name in every title and header.
    let siteName: String
    /// The links of the header, as (path, label).
    let navigation: [(path: String, label: String)]

    /// A renderer of `templates` (name → Mustache text, each `{{<layout}}`-based).
    init(siteName: String, navigation: [(String, String)], templates: [String: String]) throws {
        var library = MustacheLibrary()
        try library.register(PageLayout.template, named: "layout")
        for (name, text) in templates { try library.register(text, named: name) }
        self.library = library
        self.siteName = siteName
        self.navigation = navigation.map { (path: $0.0, label: $0.1) }
    }

    /// The page `name` filled with `values`, with `status` and cookies to set.
    func page(_ name: String, _ values: [String: Any], status: HTTPResponse.Status = .ok, cookies: [Cookie] = []) -> Response {
        var context = values
        context["siteName"] = siteName
        context["navigation"] = navigation.map { ["path": $0.path, "label": $0.label] }
        if context["title"] == nil { context["title"] = siteName }
        let html = library.render(context, withTemplate: name) ?? "<!doctype html><title>\(siteName)</title><p>The page could not be shown.</p>"
        var response = Response(status: status, headers: Self.pageHeaders(type: "text/html; charset=utf-8"), body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// A 303 See Other to `location`, so that a reload after a form shows the result again
    /// instead of sending the form a second time.
    static func redirect(_ location: String, cookies: [Cookie] = []) -> Response {
        var headers = pageHeaders(type: nil)
        headers[.location] = location
        var response = Response(status: .seeOther, headers: headers)
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// A file to save, named `filename`.
    static func download(_ bytes: [UInt8], type: String, filename: String) -> Response {
        var headers = pageHeaders(type: type)
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private static func pageHeaders(type: String?) -> HTTPFields {
        var headers = HTTPFields()
        if let type { headers[.contentType] = type }
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return headers
    }

    /// The fields of a form request, read within `limit`.
    static func form(_ request: inout Request, limit: Int) async throws -> FormFields {
        let body = try await request.bodyBytes(upTo: limit)
        return try FormFields(body: body, contentType: request.headers[.contentType])
    }

    /// The status a failure shown on a page answers with.
    static func status(of error: CALError) -> HTTPResponse.Status {
        HTTPResponse.Status(code: ErrorStatus.status(for: error.code))
    }
}
