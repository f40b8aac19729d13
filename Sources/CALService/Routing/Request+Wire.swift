import CALCore
import CALWire
import Hummingbird

extension Request {
    /// The body, already read by the body deadline (``BodyDeadlineMiddleware``) within `limit`.
    mutating func bodyBytes(upTo limit: Int) async throws -> [UInt8] {
        Array(try await collectBody(upTo: limit).readableBytesView)
    }

    /// Throws `unsupported-media-type` unless the body is declared as `type`.
    func requireContentType(_ type: String, for what: String) throws {
        guard MediaType.matches(headers[.contentType], type) else {
            throw CALError(.unsupportedMediaType, "send \(what) as \(type)")
        }
    }

    /// The body as a JSON `Message`, after checking it is declared as JSON; `what` names it in errors.
    mutating func decode<Message: Decodable>(_ type: Message.Type, upTo limit: Int, what: String) async throws -> Message {
        try requireContentType(MediaType.json, for: what)
        return try WireJSON.decode(type, from: try await bodyBytes(upTo: limit), what: what)
    }
}
