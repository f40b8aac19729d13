import CALCore
import CALService
import CALWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Drives a service's router in process (Hummingbird's router test framework: no socket, no binary).
struct ServiceTesting {
    let service: any RoutedService

    /// What a route answered.
    struct Answer {
        let status: Int
        let headers: HTTPFields
        let body: [UInt8]

        /// The JSON body as `Message`.
        func decode<Message: Decodable>(_ type: Message.Type) throws -> Message {
            try WireJSON.decode(type, from: body, what: "the answer")
        }

        /// The error the body carries, checked to be CALKit's JSON shape with the status the
        /// one table gives its code.
        var error: ErrorMessage {
            get throws {
                let message = try decode(ErrorMessage.self)
                let code = try #require(CALError.Code(rawValue: message.error), "unknown code \(message.error)")
                #expect(ErrorStatus.status(for: code) == status, "\(message.error) came with \(status)")
                #expect(headers[.contentType] == MediaType.json)
                #expect(!message.message.contains(".swift:"), "a source location leaked: \(message.message)")
                return message
            }
        }
    }

    /// One request per element of `requests`, in order, on one application.
    func run(_ body: @Sendable (Client) async throws -> Void) async throws {
        let application = Application(router: try service.router())
        try await application.test(.router) { client in try await body(Client(client: client)) }
    }

    /// Sends requests to the router.
    struct Client {
        let client: any TestClientProtocol

        func send(
            _ method: HTTPRequest.Method, _ path: String, body: [UInt8]? = nil, type: String? = nil, bearer: String? = nil,
            headers extra: [(String, String)] = []
        ) async throws -> Answer {
            var headers = HTTPFields()
            if let type { headers[.contentType] = type }
            if let bearer { headers[.authorization] = "Bearer \(bearer)" }
            for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
            let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
            return Answer(status: Int(response.status.code), headers: response.headers, body: Array(response.body.readableBytesView))
        }

        func json(_ method: HTTPRequest.Method, _ path: String, _ message: some Encodable, bearer: String? = nil) async throws -> Answer {
            try await send(method, path, body: try WireJSON.encode(message), type: MediaType.json, bearer: bearer)
        }
    }
}
