import CALCore
import CALWire
import Crypto
import Hummingbird

/// Cross-site request forgery protection for every form that changes state: a random token in
/// an HTTP-only, SameSite=Strict cookie, repeated in a hidden field of the form; a form whose
/// field does not match the cookie (another site's, or one older than the cookie) is refused.
struct FormGuard: Sendable {
    /// The cookie and the form field that carry the token.
    static let name = "calkit_form"
    /// Whether cookies are marked Secure (sent over https, and to loopback addresses).
    let secureCookies: Bool

    /// The token for a form page: the one the browser holds, or a new one with the cookie to set.
    func token(for request: Request) -> (value: String, cookie: Cookie?) {
        if let held = request.cookies[Self.name]?.value, held.count == 64, held.allSatisfy(\.isHexDigit) { return (held, nil) }
        let value = SerialNumbers.hex((0..<32).map { _ in UInt8.random(in: 0...255) })
        return (value, Cookie(name: Self.name, value: value, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict))
    }

    /// Throws 403 unless the form carries the token its cookie holds.
    func check(_ request: Request, _ form: FormFields) throws {
        guard let held = request.cookies[Self.name]?.value, let sent = form.text(Self.name),
            SecretDigest(of: held).matches(sent)
        else {
            throw CALError(.forbidden, "this form is out of date or did not come from this site: open the page again and send it from there")
        }
    }
}
