import CALCore
import X509
import Foundation

/// A license server reached over HTTP (`POST /v1/licenses`), for a session host: the network
/// form of ``LicenseSource``, with a timeout per attempt and retries with backoff. A server that
/// cannot be reached throws, which the host treats as unreachable (the grace period may admit).
public struct HTTPLicenseSource: LicenseSource {
    /// The license server's base URL.
    public let baseURL: URL
    /// Seconds each attempt may take.
    public let timeout: TimeInterval
    /// How many attempts before giving up.
    public let attempts: Int
    /// The CA certificates (PEM file) an https license server's certificate must chain to; nil: the system's.
    public let tlsTrust: String?
    /// The host's credential from its enrolment with the license server, sent with license requests.
    public let credential: String?

    /// A source for the license server at `baseURL`.
    public init(baseURL: URL, timeout: TimeInterval = 10, attempts: Int = 3, tlsTrust: String? = nil, credential: String? = nil) {
        self.baseURL = baseURL
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.tlsTrust = tlsTrust
        self.credential = credential
    }

    private var client: ServiceClient { ServiceClient(baseURL: baseURL, timeout: timeout, token: credential, tlsTrust: tlsTrust) }

    public func requestLicense(_ request: LicenseRequest) async throws -> LicenseGrant {
        let body = try JSONEncoder().encode(try LicenseRequestMessage(request))
        var lastError: any Error = CALError.invalidArgument("no attempt was made")
        for attempt in 0..<attempts {
            if attempt > 0 { try await Task.sleep(nanoseconds: UInt64(200_000_000) << (attempt - 1)) }
            do {
                let (status, data) = try await post(body)
                switch status {
                case 200:
                    return try JSONDecoder().decode(LicenseGrantMessage.self, from: data).grant()
                case 400, 401, 403, 409, 503:
                    let error = try? JSONDecoder().decode(ErrorMessage.self, from: data)
                    let code = error.flatMap { CALError.Code(rawValue: $0.error) }
                    if status == 503 && code != .notActivated {
                        // The server cannot answer now (its store, a rotation): try again, then count it as unreachable.
                        lastError = CALError(code ?? .storage, error?.message ?? "the license server answered 503")
                        continue
                    }
                    // A decision, not a failure: no retry.
                    if let error, let code { return .refused(CALError(code, error.message)) }
                    return .refused(CALError(.badRequest, error?.message ?? "the license server answered \(status)"))
                default:
                    lastError = CALError.storage("the license server answered \(status)")
                }
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private struct ErrorMessage: Decodable {
        let error: String
        let message: String
    }

    /// One POST; the status and body.
    private func post(_ body: Data) async throws -> (Int, Data) {
        let answer = try await client.send("POST", "v1/licenses", body: body, contentType: "application/json")
        return (answer.status, answer.body)
    }

    /// The license server's CRL at `GET /crl` (its active issuer's).
    public func revocationLists() async throws -> [CertificateRevocationList] {
        let answer = try await client.send("GET", "crl")
        guard answer.status == 200 else { throw answer.failure("GET /crl") }
        return [try CertificateRevocationList(derEncoded: Array(answer.body))]
    }

    /// The signed key packs at `GET /v1/packs`.
    public func signedKeyPacks() async throws -> [[UInt8]] {
        let answer = try await client.send("GET", "v1/packs")
        guard answer.status == 200 else { throw answer.failure("GET /v1/packs") }
        return try JSONDecoder().decode(SignedKeyPacksMessage.self, from: answer.body).packs
    }

    /// The chain the license server serves at `GET /v1/chain` (its certificate, then the root).
    public func chain() async throws -> [Certificate] {
        let answer = try await client.send("GET", "v1/chain")
        guard answer.status == 200 else { throw answer.failure("GET /v1/chain") }
        return try PEMBundle.certificates(in: String(decoding: answer.body, as: UTF8.self), path: baseURL.absoluteString + "/v1/chain")
    }
}
