/// Strict per-user licensing: at most as many users hold a standing per-user CAL of a product
/// as were purchased. Off by default, as in the seed (per-user CALs are tracked, not decremented).
public struct PerUserLimit: Hashable, Sendable {
    /// Per-user CALs of the product installed, over every pack.
    public var purchased: Int

    /// A limit of `purchased` users.
    public init(purchased: Int) { self.purchased = purchased }

    /// Whether a user may receive a per-user CAL: one who already holds a standing one always
    /// may (a renewal or another device); a new user only while fewer than `purchased` users hold one.
    public func admits(userHoldsStanding: Bool, usersHolding: Int) -> Bool {
        userHoldsStanding || usersHolding < purchased
    }
}
