import CALCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The small HTTP client the CLI and the host use to reach CALKit's services.
public struct HTTPClient: Sendable {
    /// The service's base URL.
    public let baseURL: URL
    /// Seconds a request may take.
    public let timeout: TimeInterval
    /// The operator's token, sent as `Authorization: Bearer` when set.
    public let token: String?

    /// A client for the service at `text` (http or https).
    public init(_ text: String, timeout: TimeInterval = 10, token: String? = nil) throws {
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw CALError.invalidArgument("\(text) is not a service URL such as http://127.0.0.1:8750")
        }
        self.init(baseURL: url, timeout: timeout, token: token)
    }

    /// A client for the service at `baseURL`.
    public init(baseURL: URL, timeout: TimeInterval = 10, token: String? = nil) {
        self.baseURL = baseURL
        self.timeout = timeout
        self.token = token
    }

    /// What a service answered.
    public struct Answer: Sendable {
        /// The HTTP status.
        public let status: Int
        /// The body.
        public let body: Data

        /// The service's JSON error as a CALKit-style failure, for statuses other than 2xx.
        public func failure(_ what: String) -> CALError {
            struct ErrorMessage: Decodable { let error: String; let message: String }
            if let error = try? JSONDecoder().decode(ErrorMessage.self, from: body) {
                return .requestNotAcceptable("\(what): \(error.error): \(error.message)")
            }
            return .requestNotAcceptable("\(what): the service answered \(status)")
        }
    }

    /// Sends a request to `path` with an optional body of `contentType`.
    public func send(_ method: String, _ path: String, body: Data? = nil, contentType: String? = nil) async throws -> Answer {
        var request = URLRequest(url: baseURL.appendingPathComponent(path), timeoutInterval: timeout)
        request.httpMethod = method
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = body
        let sent = request
        let address = sent.url?.absoluteString ?? path
        return try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: sent) { data, response, error in
                if let error {
                    continuation.resume(throwing: CALError.fileAccess(path: address, reason: error.localizedDescription))
                } else if let response = response as? HTTPURLResponse {
                    continuation.resume(returning: Answer(status: response.statusCode, body: data ?? Data()))
                } else {
                    continuation.resume(throwing: CALError.fileAccess(path: address, reason: "no HTTP response"))
                }
            }.resume()
        }
    }
}
