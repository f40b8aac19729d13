import CALCore
import Foundation

/// How CALKit's messages are written and read as JSON: sorted keys, ISO 8601 dates, and a body
/// that does not decode is `malformed` with the reason, never a dependency's error.
public enum WireJSON {
    /// `value` as JSON bytes.
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(value))
    }

    /// A `Message` from `body`; `what` names the body in the error.
    public static func decode<Message: Decodable>(_ type: Message.Type, from body: some DataProtocol, what: String) throws -> Message {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: Data(body))
        } catch {
            throw CALError.malformed(what: what, reason: reason(for: error))
        }
    }

    /// Which field was missing or of the wrong type, in a sentence.
    private static func reason(for error: any Error) -> String {
        guard let error = error as? DecodingError else { return CALError.reason(describing: error) }
        func path(_ context: DecodingError.Context) -> String {
            let names = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "the body" : "field " + names.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, _): return "field \(key.stringValue) is missing"
        case .typeMismatch(_, let context): return "\(path(context)) has the wrong type"
        case .valueNotFound(_, let context): return "\(path(context)) is null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "\(path(context)): \(context.debugDescription)"
        @unknown default: return "not the expected JSON"
        }
    }
}
