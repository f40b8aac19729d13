import Foundation

/// The CRL a service last published, kept while nothing it lists has changed, so that fetching
/// `/crl` neither signs nor consumes a CRL number on every request.
final class PublishedCRLCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entry: (stamp: String, madeAt: Date, bytes: [UInt8])?
    /// A CRL is made again after this long even if nothing changed (it is valid for 24 hours).
    static let refreshInterval: TimeInterval = 3600

    /// How long ago the CRL kept was made, at `now`; nil before the first.
    func age(at now: Date) -> TimeInterval? {
        lock.lock()
        defer { lock.unlock() }
        return entry.map { now.timeIntervalSince($0.madeAt) }
    }

    /// The cached CRL for `stamp`, or a new one from `make`.
    func value(stamp: String, now: Date, make: () throws -> [UInt8]) throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        if let entry, entry.stamp == stamp, now.timeIntervalSince(entry.madeAt) < Self.refreshInterval { return entry.bytes }
        let bytes = try make()
        entry = (stamp, now, bytes)
        return bytes
    }
}
