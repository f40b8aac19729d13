import CALCore
import Foundation

/// Per-user use of one product over time against the purchased count: on each day, how many
/// distinct users held a per-user license that stood that day. The seed does not decrement
/// per-user packs, so this is how an administrator sees whether more users are served than paid for.
public struct PerUserUse: Hashable, Sendable {
    /// A per-user license as far as use is concerned.
    public struct Holding: Hashable, Sendable {
        /// The user principal.
        public var user: String
        /// When the license starts.
        public var notBefore: Date
        /// When it ends.
        public var notAfter: Date
        /// When it was revoked, if it was (it stops counting then).
        public var revokedAt: Date?

        /// A holding.
        public init(user: String, notBefore: Date, notAfter: Date, revokedAt: Date?) {
            self.user = user
            self.notBefore = notBefore
            self.notAfter = notAfter
            self.revokedAt = revokedAt
        }

        /// Whether the license stood at `instant`.
        func stands(at instant: Date) -> Bool {
            notBefore <= instant && instant < notAfter && (revokedAt.map { instant < $0 } ?? true)
        }
    }

    /// The product.
    public var product: String
    /// Per-user CALs purchased for it.
    public var purchased: Int
    /// The instants sampled, oldest first (the end of each day).
    public var days: [Date]
    /// Distinct users holding a standing license at each sampled instant.
    public var users: [Int]

    /// The use of `product` over the `dayCount` days ending at `now`, sampled at the end of each day.
    public static func series(product: String, purchased: Int, holdings: [Holding], dayCount: Int, now: Date) -> PerUserUse {
        let days = (0..<max(1, dayCount)).reversed().map { now.addingDays(-$0) }
        let users = days.map { day in Set(holdings.filter { $0.stands(at: day) }.map(\.user)).count }
        return PerUserUse(product: product, purchased: purchased, days: days, users: users)
    }

    /// Whether more users were served on some day than were purchased.
    public var overUse: Bool { users.contains { $0 > purchased } }
}
