import Foundation
import SwiftASN1

/// The RFC 5280 `Time` choice: UTCTime for years 1950 through 2049, GeneralizedTime otherwise,
/// converted without Foundation's calendar so a CRL of a million entries stays fast.
public enum CertificateTime {
    /// Appends `date` (whole seconds) as RFC 5280 `Time`.
    public static func serialize(_ date: Date, into coder: inout DER.Serializer) throws {
        coder.serializeRawBytes(try derBytes(date))
    }

    /// `date` (whole seconds) as the DER of RFC 5280 `Time`, written directly (for encoders
    /// that assemble bytes themselves, and for ``serialize(_:into:)``). A year GeneralizedTime
    /// cannot hold (before 0 or after 9999) is refused.
    static func derBytes(_ date: Date) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(17)
        try append(Int64(date.timeIntervalSince1970.rounded(.down)), to: &out)
        return out
    }

    /// Appends the instant `seconds` after 1970 as the DER of RFC 5280 `Time`, in place (for a
    /// CRL's entries, written by the million).
    static func append(_ seconds: Int64, to out: inout [UInt8]) throws {
        let parts = civil(from: seconds)
        guard (0...9999).contains(parts.year) else { throw ASN1Error.invalidASN1Object(reason: "the year \(parts.year) has no RFC 5280 Time") }
        let utc = (1950...2049).contains(parts.year)
        out.append(utc ? 0x17 : 0x18)
        out.append(utc ? 13 : 15)
        func two(_ value: Int) {
            out.append(UInt8(ascii: "0") &+ UInt8(value / 10))
            out.append(UInt8(ascii: "0") &+ UInt8(value % 10))
        }
        if utc {
            two(parts.year % 100)
        } else {
            two(parts.year / 100)
            two(parts.year % 100)
        }
        two(parts.month)
        two(parts.day)
        two(parts.hour)
        two(parts.minute)
        two(parts.second)
        out.append(UInt8(ascii: "Z"))
    }

    /// Reads the common form of RFC 5280 `Time` straight from its bytes (tag, length, contents at
    /// the start of `bytes`): `YYMMDDHHMMSSZ` or `YYYYMMDDHHMMSSZ` with a valid calendar date.
    /// Nil for anything else, which a caller hands to ``parse(_:)`` to be accepted or refused.
    static func parseCommon(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, end: Int) -> Int64? {
        guard end - start >= 2 else { return nil }
        let tag = bytes[start]
        let length = Int(bytes[start + 1])
        let utc = tag == 0x17
        guard (utc && length == 13) || (tag == 0x18 && length == 15), end - start == length + 2,
            bytes[start + 1 + length] == UInt8(ascii: "Z")
        else { return nil }
        var position = start + 2
        func two() -> Int? {
            let high = bytes[position] &- UInt8(ascii: "0")
            let low = bytes[position + 1] &- UInt8(ascii: "0")
            position += 2
            guard high < 10, low < 10 else { return nil }
            return Int(high) * 10 + Int(low)
        }
        guard let first = two() else { return nil }
        var year = first
        if utc {
            year += first >= 50 ? 1900 : 2000
        } else {
            guard let second = two() else { return nil }
            year = first * 100 + second
        }
        guard let month = two(), let day = two(), let hour = two(), let minute = two(), let second = two(),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 60
        else { return nil }
        return days(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// The number of days in `month` of `year` (proleptic Gregorian).
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Reads an RFC 5280 `Time` (UTCTime or GeneralizedTime).
    public static func parse(_ node: ASN1Node) throws -> Date {
        switch node.identifier {
        case .utcTime:
            let time = try UTCTime(derEncoded: node)
            return date(year: time.year, month: time.month, day: time.day, hour: time.hours, minute: time.minutes, second: time.seconds)
        case .generalizedTime:
            let time = try GeneralizedTime(derEncoded: node)
            return date(year: time.year, month: time.month, day: time.day, hour: time.hours, minute: time.minutes, second: time.seconds)
        default:
            throw ASN1Error.unexpectedFieldType(node.identifier)
        }
    }

    /// A whole-second GeneralizedTime (what OCSP uses for every time).
    public static func generalizedTime(_ date: Date) throws -> GeneralizedTime {
        let parts = civil(from: Int64(date.timeIntervalSince1970.rounded(.down)))
        return try GeneralizedTime(
            year: parts.year, month: parts.month, day: parts.day, hours: parts.hour, minutes: parts.minute,
            seconds: parts.second, fractionalSeconds: 0
        )
    }

    /// The instant a GeneralizedTime names (fractions dropped).
    public static func date(_ time: GeneralizedTime) -> Date {
        date(year: time.year, month: time.month, day: time.day, hour: time.hours, minute: time.minutes, second: time.seconds)
    }

    /// Reads the next field if it is a `Time`; nil (and nothing consumed) otherwise.
    static func parseOptional(_ nodes: inout ASN1NodeCollection.Iterator) throws -> Date? {
        var lookahead = nodes
        guard let node = lookahead.next(), node.identifier == .utcTime || node.identifier == .generalizedTime else {
            return nil
        }
        nodes = lookahead
        return try parse(node)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date {
        let seconds = days(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    static func civil(from seconds: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let dayNumber = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - dayNumber * 86_400)
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day, secondOfDay / 3600, (secondOfDay % 3600) / 60, secondOfDay % 60)
    }
}
