import CALCore
internal import CALStore
import Foundation

extension Clearinghouse {
    /// The longest an activation code may stay valid, in days.
    public static let activationCodeMaximumDays = 90

    /// Issues a one-time activation code for a customer's agreement, valid for `validDays`. Only
    /// the code's hash is stored; the code itself is shown once, to the operator.
    public func issueActivationCode(agreement: String, validDays: Int = 7) throws -> (code: ActivationCode, expiresAt: Date) {
        guard !agreement.isEmpty, agreement.count <= 64 else { throw CALError.invalidArgument("the agreement number must be 1 to 64 characters") }
        guard (1...Self.activationCodeMaximumDays).contains(validDays) else {
            throw CALError.invalidArgument("an activation code is valid for 1 to \(Self.activationCodeMaximumDays) days")
        }
        let code = ActivationCode.random()
        let now = time.now
        let expiresAt = now.addingDays(validDays)
        try records {
            try $0.recordActivationCode(
                ActivationCodeRecord(codeHash: code.hash, agreementNumber: agreement, issuedAt: now, expiresAt: expiresAt)
            )
        }
        return (code, expiresAt)
    }
}
