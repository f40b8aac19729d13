import CALCore
import HTTPTypes

extension APIError {
    /// The HTTP form of a CALKit error: its code, its message, and the status that fits.
    public init(_ error: CALError) {
        let status: HTTPResponse.Status
        switch error {
        case .malformed, .wrongKind, .invalidArgument, .requestSignatureInvalid, .requestNotAcceptable, .unsupportedKey:
            status = .badRequest
        case .chainDoesNotVerify, .noProofOfPossession, .activationCodeRequired, .activationCodeInvalid:
            status = .forbidden
        case .notRenewable:
            status = .conflict
        case .noSeatAvailable, .perUserLimitReached, .alreadyRevoked, .packAlreadyInstalled, .alreadyActivated, .reactivationRefused,
            .seatAlreadyTransferred, .notTransferable:
            status = .conflict
        case .unknownSerial, .notActivated, .noPackForProduct:
            status = .notFound
        case .issuerCompromised:
            status = .serviceUnavailable
        default:
            status = .internalServerError
        }
        self.init(status, code: error.code, message: error.description)
    }
}

extension APIError {
    /// The HTTP form of a license server's refusal at logon.
    public init(_ refusal: LicenseRefusal) {
        let status: HTTPResponse.Status
        switch refusal.code {
        case .noLicenseAvailable, .temporaryAlreadyIssued, .alreadyLicensed: status = .conflict
        case .revoked, .untrustedLicense: status = .forbidden
        case .notActivated: status = .serviceUnavailable
        case .badRequest: status = .badRequest
        }
        self.init(status, code: refusal.code.rawValue, message: refusal.detail)
    }
}
