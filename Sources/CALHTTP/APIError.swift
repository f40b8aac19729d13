import CALCore
import HTTPTypes
import Hummingbird

/// A ``CALError`` on its way to an HTTP client: JSON `{ "error": CODE, "message": ... }` with
/// the status that fits its code.
public struct APIError: Error, HTTPResponseError, Sendable {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// The error, whose code and sentence the body carries.
    public let error: CALError

    /// The HTTP form of `error`, with the status its code calls for.
    public init(_ error: CALError) {
        self.init(Self.status(for: error.code), error)
    }

    /// The HTTP form of `error` with a status chosen by the caller (the router's own failures).
    public init(_ status: HTTPResponse.Status, _ error: CALError) {
        self.status = status
        self.error = error
    }

    /// The status for a code: 400 for what the caller sent wrong, 401/403 for what it may not do,
    /// 404 for what does not exist, 409 for what conflicts with the ledger, 503 for what the
    /// service cannot do now, 500 for the rest.
    public static func status(for code: CALError.Code) -> HTTPResponse.Status {
        switch code {
        case .malformed, .wrongKind, .invalidArgument, .requestSignatureInvalid, .requestNotAcceptable, .unsupportedKey, .badRequest,
            .packSignatureInvalid, .packNotForThisServer, .grantSignatureInvalid, .grantNotForThisServer, .productAmbiguous:
            return .badRequest
        case .unauthorized:
            return .unauthorized
        case .chainDoesNotVerify, .noProofOfPossession, .activationCodeRequired, .activationCodeInvalid, .revoked, .untrustedLicense,
            .forbidden, .adminDisabled:
            return .forbidden
        case .unknownSerial, .noPackForProduct, .notFound:
            return .notFound
        case .methodNotAllowed:
            return .methodNotAllowed
        case .noSeatAvailable, .perUserLimitReached, .alreadyRevoked, .packAlreadyInstalled, .alreadyActivated, .reactivationRefused,
            .seatAlreadyTransferred, .notTransferable, .notRenewable, .noLicenseAvailable, .temporaryAlreadyIssued, .alreadyLicensed,
            .grantAlreadyUsed, .revocationQuotaExceeded:
            return .conflict
        case .bodyTooLarge:
            return .contentTooLarge
        case .unsupportedMediaType:
            return .unsupportedMediaType
        case .rateLimited:
            return .tooManyRequests
        case .notActivated, .issuerCompromised, .issuerNotActive, .rotationPending, .storage, .clockWentBackwards:
            return .serviceUnavailable
        default:
            return .internalServerError
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        // The sentence may quote a dependency's error; its source locations stay in the service.
        let message = CALError.withoutSourceLocations(error.detail)
        let body = "{\"error\":\(Self.quoted(error.code.rawValue)),\"message\":\(Self.quoted(message))}"
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
