import CALCore

/// What a license server does for one logon, as the rules decide it. The server carries the
/// plan out in one ledger transaction; where the ledger finds the plan cannot be done (no seat
/// is free, the seat went elsewhere), it carries out `otherwise` instead.
public indirect enum LogonPlan: Hashable, Sendable {
    /// Issue the device's one temporary license for `product`.
    case issueTemporary(product: String)
    /// Issue a permanent CAL of `product`, marking `superseding` (a temporary license) replaced.
    case issuePermanent(product: String, superseding: String?, otherwise: LogonPlan)
    /// Renew the permanent CAL `serial` on its seat (its last 7 days).
    case renew(serial: String, otherwise: LogonPlan)
    /// Replace the CAL `serial` on its seat with the same expiry: the key that signed it was
    /// compromised (no revocation), or the client re-keyed (the old one revoked as `revoking`).
    case replace(serial: String, revoking: RevocationReason?, otherwise: LogonPlan)
    /// Hand out the standing license `serial` again (a client that lost its store).
    case handOut(serial: String)
    /// Nothing new: the license the client presented stands.
    case keepCurrent
    /// No license; the code says why.
    case refuse(CALError)

    /// A refusal with `code` and `detail`.
    public static func refuse(_ code: CALError.Code, _ detail: String) -> LogonPlan {
        .refuse(CALError(code, detail))
    }
}
