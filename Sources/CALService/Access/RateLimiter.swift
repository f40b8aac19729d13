import CALCore
import Foundation

/// A token bucket per client address: `limit` requests, refilled evenly over `interval` seconds.
/// Keeps a client from cycling requests (for example to mint temporary licenses without end).
public final class RateLimiter: @unchecked Sendable {
    /// How many requests a client may make per interval.
    public let limit: Int
    /// The interval, in seconds.
    public let interval: TimeInterval
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, updated: Date)] = [:]

    /// A limiter of `limit` requests per `interval` seconds per client.
    public init(limit: Int, per interval: TimeInterval) {
        self.limit = max(1, limit)
        self.interval = max(1, interval)
    }

    /// Parses `N/s`, `N/min` or `N/h` (for example `60/min`).
    public convenience init(_ text: String) throws {
        let parts = text.split(separator: "/")
        let units: [String: TimeInterval] = ["s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hour": 3600]
        guard parts.count == 2, let count = Int(parts[0]), count > 0, let seconds = units[String(parts[1])] else {
            throw CALError.invalidArgument("a rate limit reads N/s, N/min or N/h, for example 60/min")
        }
        self.init(limit: count, per: seconds)
    }

    /// Takes one request's token for `client`; nil if admitted, else the seconds until a token returns.
    public func take(for client: String, now: Date = Date()) -> TimeInterval? {
        lock.lock()
        defer { lock.unlock() }
        let rate = Double(limit) / interval
        var bucket = buckets[client] ?? (Double(limit), now)
        bucket.tokens = min(Double(limit), bucket.tokens + now.timeIntervalSince(bucket.updated) * rate)
        bucket.updated = now
        if buckets.count > 100_000 { buckets = buckets.filter { $0.value.tokens < Double(limit) } }
        guard bucket.tokens >= 1 else {
            buckets[client] = bucket
            return (1 - bucket.tokens) / rate
        }
        bucket.tokens -= 1
        buckets[client] = bucket
        return nil
    }
}
