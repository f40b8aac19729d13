import CALCore
import Foundation

/// The body of every failure a CALKit service answers: `{ "error": CODE, "message": TEXT }`,
/// with CODE one of CALKit's stable error codes (the same in process, on the command line and
/// over HTTP) and the status ``ErrorStatus`` gives it.
public struct ErrorMessage: Codable, Sendable, Equatable {
    /// The error code (``CALError/Code``'s raw value).
    public var error: String
    /// The sentence for a person.
    public var message: String

    /// The message for `error`, without source locations a dependency's error may quote.
    public init(_ error: CALError) {
        self.error = error.code.rawValue
        message = CALError.withoutSourceLocations(error.detail)
    }

    /// The service's error as the ``CALError`` it was on the service's side (same code), its
    /// sentence after `what`; nil when `body` is not a CALKit error.
    public static func error(in body: some DataProtocol, what: String) -> CALError? {
        guard let message = try? JSONDecoder().decode(ErrorMessage.self, from: Data(body)) else { return nil }
        guard let code = CALError.Code(rawValue: message.error) else {
            return .requestNotAcceptable("\(what): \(message.error): \(message.message)")
        }
        return CALError(code, "\(what): \(message.message)")
    }
}
