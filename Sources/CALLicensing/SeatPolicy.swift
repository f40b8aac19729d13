import Foundation

/// Which seat of a per-device pack a new permanent CAL takes, and when a seat returns to the pool.
public enum SeatPolicy {
    /// One seat of a pack as the ledger holds it.
    public struct Seat: Hashable, Sendable {
        /// The seat number, 1 to the pack's count.
        public var number: Int
        /// When the license holding it ends; nil for a seat never held (or reclaimed).
        public var heldUntil: Date?

        /// Creates a seat.
        public init(number: Int, heldUntil: Date?) {
            self.number = number
            self.heldUntil = heldUntil
        }
    }

    /// Whether `seat` is free at `now`: never held, or its holder's license has expired. A CAL
    /// that is never renewed returns its seat to the pool when it expires.
    public static func isFree(_ seat: Seat, at now: Date) -> Bool {
        guard let heldUntil = seat.heldUntil else { return true }
        return heldUntil <= now
    }

    /// Whether a held seat is reclaimed at `now` (its holder's license has expired).
    public static func isReclaimable(_ seat: Seat, at now: Date) -> Bool {
        guard let heldUntil = seat.heldUntil else { return false }
        return heldUntil <= now
    }

    /// The seat a new CAL takes: never-held seats first, in seat order, then the one whose
    /// holder expired longest ago; nil when every seat is held.
    public static func choose(from seats: [Seat], at now: Date) -> Int? {
        seats.filter { isFree($0, at: now) }
            .min { left, right in
                let leftUntil = left.heldUntil ?? .distantPast
                let rightUntil = right.heldUntil ?? .distantPast
                return leftUntil != rightUntil ? leftUntil < rightUntil : left.number < right.number
            }?.number
    }
}
