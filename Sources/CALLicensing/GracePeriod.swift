import Foundation

/// The host's licensing grace period: from the first client connection it accepts, for up to
/// 120 days, it admits clients no license can be had for. It ends early when a license server
/// issues this host its first permanent CAL, and never comes back.
public struct GracePeriod: Hashable, Sendable, Codable {
    /// The length of the grace period, in days (``LicensingTerms/gracePeriodDays``).
    public static var days: Int { LicensingTerms.gracePeriodDays }

    /// When the host first accepted a connection; nil before that.
    public var startedAt: Date?
    /// When it ended early (first permanent CAL), if it did.
    public var endedAt: Date?

    /// Whether it admits unlicensed clients at `time` (before it started, it is about to start).
    public func isActive(at time: Date) -> Bool {
        guard endedAt == nil else { return false }
        guard let startedAt else { return true }
        return time < end(from: startedAt)
    }

    /// A grace period that started at `startedAt` and ended early at `endedAt` (nil: not yet).
    public init(startedAt: Date? = nil, endedAt: Date? = nil) {
        self.startedAt = startedAt
        self.endedAt = endedAt
    }

    /// When it ends or ended: early, or 120 days after the start.
    public var endsAt: Date? {
        if let endedAt { return endedAt }
        return startedAt.map(end(from:))
    }

    /// Whole days left at `time`, 0 once it has ended.
    public func daysLeft(at time: Date) -> Int {
        guard isActive(at: time), let endsAt else { return isActive(at: time) ? Self.days : 0 }
        return max(0, Int((endsAt.timeIntervalSince(time) / LicensingTerms.secondsPerDay).rounded(.up)))
    }

    /// Why it is over, or nil while it lasts.
    public func endReason(at time: Date) -> String? {
        if endedAt != nil { return "a license server issued this host its first permanent CAL" }
        if !isActive(at: time) { return "\(Self.days) days passed" }
        return nil
    }

    private func end(from start: Date) -> Date { start.addingTimeInterval(TimeInterval(Self.days) * LicensingTerms.secondsPerDay) }
}
