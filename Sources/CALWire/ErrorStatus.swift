import CALCore

/// The one table of which HTTP status each error code travels with, read by the services when
/// they answer and by the clients when they decide whether an answer is a decision or a failure.
public enum ErrorStatus {
    /// The status for a code: 400 for what the caller sent wrong, 401/403 for what it may not do,
    /// 404 for what does not exist, 409 for what conflicts with the ledger, 503 for what the
    /// service cannot do now, 500 for the rest.
    public static func status(for code: CALError.Code) -> Int {
        switch code {
        case .malformed, .wrongKind, .invalidArgument, .requestSignatureInvalid, .requestNotAcceptable, .unsupportedKey, .badRequest,
            .packSignatureInvalid, .packNotForThisServer, .grantSignatureInvalid, .grantNotForThisServer, .productAmbiguous,
            .telephoneCodeInvalid:
            return 400
        case .unauthorized:
            return 401
        case .chainDoesNotVerify, .noProofOfPossession, .activationCodeRequired, .activationCodeInvalid, .packCodeInvalid, .revoked, .untrustedLicense,
            .forbidden, .adminDisabled:
            return 403
        case .unknownSerial, .noPackForProduct, .notFound:
            return 404
        case .methodNotAllowed:
            return 405
        case .requestTimeout:
            return 408
        case .noSeatAvailable, .perUserLimitReached, .alreadyRevoked, .packAlreadyInstalled, .alreadyActivated, .reactivationRefused,
            .seatAlreadyTransferred, .notTransferable, .notRenewable, .noLicenseAvailable, .temporaryAlreadyIssued, .alreadyLicensed,
            .grantAlreadyUsed, .revocationQuotaExceeded, .packPredatesLedger, .packReissueLimitReached:
            return 409
        case .bodyTooLarge:
            return 413
        case .unsupportedMediaType:
            return 415
        case .rateLimited:
            return 429
        case .notActivated, .issuerCompromised, .issuerNotActive, .rotationPending, .storage, .clockWentBackwards, .homeInUse:
            return 503
        default:
            return 500
        }
    }

    /// Whether an answer with `status` and `code` is the service's decision about the request
    /// (tell the caller, do not try again) rather than a failure to decide (try again later).
    public static func isDecision(status: Int, code: CALError.Code?) -> Bool {
        switch status {
        case 400, 401, 403, 404, 409: return true
        case 503: return code == .notActivated
        default: return false
        }
    }
}
