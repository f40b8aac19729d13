import CALCore
import CALWire
import HTTPTypes
import Hummingbird

extension Response {
    /// A JSON answer (sorted keys, ISO 8601 dates: ``WireJSON``).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        bytes(try WireJSON.encode(value), type: MediaType.json, status: status)
    }

    /// An answer of `type` holding `bytes`.
    static func bytes(_ bytes: [UInt8], type: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The JSON answer for a failure, with the status ``ErrorStatus`` gives its code.
    static func error(_ error: CALError, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = MediaType.json
        let body = (try? WireJSON.encode(ErrorMessage(error))) ?? Array("{\"error\":\"internal\",\"message\":\"\"}".utf8)
        return Response(
            status: HTTPResponse.Status(code: ErrorStatus.status(for: error.code)), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
