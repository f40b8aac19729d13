import Foundation

extension Date {
    /// This instant without its fraction of a second, as certificates store time.
    public var wholeSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }

    /// The same instant `days` days later.
    public func addingDays(_ days: Int) -> Date { addingTimeInterval(TimeInterval(days) * 86_400) }

    /// The same instant `years` calendar years later, in UTC.
    public func addingYears(_ years: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(byAdding: .year, value: years, to: self) ?? addingDays(365 * years)
    }

    /// This instant as ISO 8601 in UTC, whole seconds, for messages.
    public var iso8601: String {
        let parts = CertificateTime.civil(from: Int64(timeIntervalSince1970.rounded(.down)))
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second
        )
    }
}
