import CALCore
import Foundation
import Hummingbird

/// The signed-in sessions of an operator (or administrator) on the pages: a login with the
/// service's token opens one, named by a random id in a Secure, HTTP-only, SameSite=Strict
/// cookie; it ends at logout or after ``lifetime``. Kept in memory: a restart signs everyone out.
final class OperatorSessions: @unchecked Sendable {
    /// The cookie that names a session.
    let cookieName: String
    /// How long a session lasts.
    let lifetime: TimeInterval = 8 * 3600
    private let token: BearerToken?
    private let secureCookies: Bool
    private let lock = NSLock()
    private var expiries: [String: Date] = [:]

    init(token: BearerToken?, cookieName: String, secureCookies: Bool) {
        self.token = token
        self.cookieName = cookieName
        self.secureCookies = secureCookies
    }

    /// Whether a token was configured at all (without one the pages say so).
    var isEnabled: Bool { token != nil }

    /// Opens a session for the token typed at the login form; nil when it is not the token.
    func open(with typed: String) -> Cookie? {
        guard let token, token.matches(typed) else { return nil }
        let id = SerialNumbers.hex((0..<32).map { _ in UInt8.random(in: 0...255) })
        lock.withLock {
            let now = Date()
            expiries = expiries.filter { $0.value > now }
            expiries[id] = now.addingTimeInterval(lifetime)
        }
        return Cookie(name: cookieName, value: id, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// Whether `request` comes from an open session.
    func isSignedIn(_ request: Request) -> Bool {
        guard let id = request.cookies[cookieName]?.value else { return false }
        return lock.withLock { expiries[id].map { $0 > Date() } ?? false }
    }

    /// Ends the request's session; the cookie that clears it in the browser.
    func close(_ request: Request) -> Cookie {
        if let id = request.cookies[cookieName]?.value { _ = lock.withLock { expiries.removeValue(forKey: id) } }
        return Cookie(name: cookieName, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }
}
