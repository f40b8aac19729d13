import CALCore
import Hummingbird

/// The operator's bearer token for a service's admin routes, compared in constant time.
public struct BearerToken: Sendable {
    private let digest: SecretDigest

    /// The token on the first line of `path` (at least 16 characters).
    public init(file path: String) throws {
        let text = try SecureFile.readSecret(path)
        let token = String(text.split(whereSeparator: \.isNewline).first ?? "")
        guard token.count >= 16 else { throw CALError.invalidArgument("the token in \(path) must be at least 16 characters") }
        self.init(token)
    }

    /// A token from its text.
    public init(_ token: String) {
        digest = SecretDigest(of: token)
    }

    /// Whether `request` carries this token as `Authorization: Bearer TOKEN`, compared in
    /// constant time (``SecretDigest``).
    func admits(_ request: Request) -> Bool {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        return digest.matches(String(header.dropFirst("Bearer ".count)))
    }

    /// Whether `typed` (from a login form) is this token, compared in constant time.
    func matches(_ typed: String) -> Bool {
        digest.matches(typed)
    }

    /// Throws 401 without a token, 403 with a wrong one, and 403 when no token was configured.
    static func authorize(_ request: Request, with token: BearerToken?) throws {
        guard let token else {
            throw CALError(.adminDisabled, "the admin API is off: the service was started without an admin token")
        }
        guard request.headers[.authorization] != nil else {
            throw CALError(.unauthorized, "send Authorization: Bearer TOKEN")
        }
        guard token.admits(request) else { throw CALError(.forbidden, "the token is not accepted") }
    }
}
