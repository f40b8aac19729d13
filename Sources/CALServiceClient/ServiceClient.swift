import AsyncHTTPClient
import CALCore
import CALWire
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// The small HTTP client the CLI and the host use to reach CALKit's services, over http or https.
///
/// For https it trusts the system's certificate authorities, or only those of a PEM file given as
/// `tlsTrust` (the usual case for a service with a private CA, as `curl --cacert` does).
public struct ServiceClient: Sendable {
    /// The service's base URL.
    public let baseURL: URL
    /// Seconds a request may take, connecting included.
    public let timeout: TimeInterval
    /// The operator's token, sent as `Authorization: Bearer` when set.
    public let token: String?
    /// The CA certificates (PEM file) an https service's certificate must chain to; nil: the system's.
    public let tlsTrust: String?

    /// The largest answer read, in bytes.
    public static let answerLimit = 16 * 1024 * 1024

    /// A client for the service at `text` (http or https).
    public init(_ text: String, timeout: TimeInterval = 10, token: String? = nil, tlsTrust: String? = nil) throws {
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw CALError.invalidArgument("\(text) is not a service URL such as http://127.0.0.1:8750")
        }
        self.init(baseURL: url, timeout: timeout, token: token, tlsTrust: tlsTrust)
    }

    /// A client for the service at `baseURL`.
    public init(baseURL: URL, timeout: TimeInterval = 10, token: String? = nil, tlsTrust: String? = nil) {
        self.baseURL = baseURL
        self.timeout = timeout
        self.token = token
        self.tlsTrust = tlsTrust
    }

    /// What a service answered.
    public struct Answer: Sendable {
        /// The HTTP status.
        public let status: Int
        /// The body.
        public let body: Data

        /// The service's JSON error as the ``CALError`` it was on the service's side (same code),
        /// for statuses other than 2xx; an answer that is not a CALKit error is `request-not-acceptable`.
        public func failure(_ what: String) -> CALError {
            ErrorMessage.error(in: body, what: what) ?? .requestNotAcceptable("\(what): the service answered \(status)")
        }

        /// The body, after checking the status is `expected`; any other status is the service's error.
        public func body(expecting expected: Int, _ what: String) throws -> Data {
            guard status == expected else { throw failure(what) }
            return body
        }
    }

    /// The reason a ``CALError/serviceUnreachable(url:reason:)`` gives (also in its context under
    /// `reason`) when the service's TLS certificate is not trusted, so tools can say which trust to add.
    public static let untrustedCertificate = "its TLS certificate is not trusted"

    /// Sends a request to `path` with an optional body of `contentType`.
    ///
    /// Throws `CALError.serviceUnreachable` when no answer came: refused, timed out, or a TLS
    /// certificate that is not trusted.
    public func send(
        _ method: String, _ path: String, body: Data? = nil, contentType: String? = nil, headers: [(String, String)] = []
    ) async throws -> Answer {
        let address = baseURL.appendingPathComponent(path).absoluteString
        var request = HTTPClientRequest(url: address)
        request.method = HTTPMethod(rawValue: method)
        request.tlsConfiguration = try tlsConfiguration()
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await Self.shared.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            let received = try await response.body.collect(upTo: Self.answerLimit)
            return Answer(status: Int(response.status.code), body: Data(received.readableBytesView))
        } catch let error as CALError {
            throw error
        } catch {
            throw CALError.serviceUnreachable(url: address, reason: Self.reason(for: error, timeout: timeout))
        }
    }

    /// The one HTTP client of the process, kept for its lifetime (connections are pooled and
    /// reused between requests): redirects refused (a service never sends one), no
    /// decompression, and a refused connection or an untrusted certificate reported at once
    /// (callers that retry, such as the host's license source, do so themselves, with backoff).
    /// Each request carries its own TLS trust and deadline.
    private static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: .seconds(30)),
            decompression: .disabled
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// TLS 1.2 or later, trusting the system's certificate authorities or only those of ``tlsTrust``.
    private func tlsConfiguration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let tlsTrust {
            let certificates: [NIOSSLCertificate]
            do {
                certificates = try NIOSSLCertificate.fromPEMFile(tlsTrust)
            } catch {
                throw CALError.malformed(what: tlsTrust, reason: "not a PEM file of CA certificates to trust for TLS")
            }
            guard !certificates.isEmpty else {
                throw CALError.malformed(what: tlsTrust, reason: "holds no certificate to trust for TLS")
            }
            tls.trustRoots = .certificates(certificates)
        }
        return tls
    }

    /// A one-line reason a person can act on.
    private static func reason(for error: any Error, timeout: TimeInterval) -> String {
        let text = String(describing: error)
        if let client = error as? HTTPClientError,
            client == .deadlineExceeded || client == .readTimeout || client == .connectTimeout
        {
            return "no answer within \(Int(timeout)) s"
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed") {
            return Self.untrustedCertificate
        }
        if let ssl = error as? NIOSSLExtraError, ssl == .failedToValidateHostname {
            return "its TLS certificate does not name this host or address"
        }
        if let client = error as? HTTPClientError, client == .remoteConnectionClosed {
            return "the service closed the connection without answering (is it https?)"
        }
        if text.contains("connectionRefused") || text.contains("Connection refused") {
            return "connection refused (is the service running?)"
        }
        return text
    }
}
