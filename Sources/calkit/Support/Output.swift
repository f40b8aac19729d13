import Foundation

/// Printing for people and for scripts.
enum Output {
    /// Prints a value as pretty, key-sorted JSON with ISO 8601 dates.
    static func json<Value: Encodable>(_ value: Value) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        if let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) {
            print(text)
        }
    }

    /// Prints aligned `name: value` lines.
    static func fields(_ fields: [(String, String)], indent: String = "") {
        let width = fields.map(\.0.count).max() ?? 0
        for (name, value) in fields {
            print(indent + name + ":" + String(repeating: " ", count: width - name.count + 1) + value)
        }
    }

    /// An instant as ISO 8601 in UTC.
    static func date(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
