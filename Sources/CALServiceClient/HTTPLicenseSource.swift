import CALCore
import CALWire
import Foundation
import X509

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
    private let client: ServiceClient

    /// A source for the license server at `baseURL`.
    public init(baseURL: URL, timeout: TimeInterval = 10, attempts: Int = 3, tlsTrust: String? = nil, credential: String? = nil) {
        self.baseURL = baseURL
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.tlsTrust = tlsTrust
        self.credential = credential
        client = ServiceClient(baseURL: baseURL, timeout: timeout, token: credential, tlsTrust: tlsTrust)
    }

    /// The server's decision for one client. A refusal (4xx, or 503 `not-activated`) is returned
    /// as ``LicenseGrant/refused(_:)`` at once; a server that cannot decide now (other 503s,
    /// 5xx) or cannot be reached is tried again with backoff, then thrown.
    public func requestLicense(_ request: LicenseRequest) async throws -> LicenseGrant {
        let body = Data(try WireJSON.encode(try LicenseRequestMessage(request)))
        var lastError: any Error = CALError.invalidArgument("no attempt was made")
        for attempt in 0..<attempts {
            if attempt > 0 { try await Task.sleep(nanoseconds: UInt64(200_000_000) << (attempt - 1)) }
            do {
                let answer = try await client.send("POST", WirePath.licenses, body: body, contentType: MediaType.json)
                if answer.status == 200 {
                    return try WireJSON.decode(LicenseGrantMessage.self, from: answer.body, what: "the license server's answer").grant()
                }
                let error = ErrorMessage.error(in: answer.body, what: "the license server")
                if ErrorStatus.isDecision(status: answer.status, code: error?.code) {
                    return .refused(error ?? CALError(.badRequest, "the license server answered \(answer.status)"))
                }
                lastError = error ?? CALError.storage("the license server answered \(answer.status)")
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    /// The license server's CRL at `GET /crl` (its active issuer's).
    public func revocationLists() async throws -> [CertificateRevocationList] {
        let body = try await client.send("GET", WirePath.crl).body(expecting: 200, "GET \(WirePath.crl)")
        do {
            return [try CertificateRevocationList(derEncoded: Array(body))]
        } catch {
            throw CALError.malformed(what: "the license server's CRL", reason: CALError.reason(describing: error))
        }
    }

    /// The signed key packs at `GET /v1/packs`.
    public func signedKeyPacks() async throws -> [[UInt8]] {
        let body = try await client.send("GET", WirePath.packs).body(expecting: 200, "GET \(WirePath.packs)")
        return try WireJSON.decode(SignedKeyPacksMessage.self, from: body, what: "the license server's packs").packs
    }

    /// The chain the license server serves at `GET /v1/chain` (its certificate, then the root).
    public func chain() async throws -> [Certificate] {
        let body = try await client.send("GET", WirePath.chain).body(expecting: 200, "GET \(WirePath.chain)")
        return try PEMBundle.certificates(in: String(decoding: body, as: UTF8.self), path: baseURL.absoluteString + WirePath.chain)
    }
}
