import CALCore
import X509

/// The JSON body of `POST /v1/licenses/{serial}/renew`: the request for the renewed license,
/// signed by the licensed key (or carrying its continuity signature).
public struct RenewalMessage: Codable, Sendable {
    /// The license request, PEM.
    public var csr: String

    /// The message for `request`.
    public init(_ request: CertificateSigningRequest) throws {
        csr = PEMText.encode(type: "CERTIFICATE REQUEST", derBytes: try request.derBytes())
    }

    /// The request it carries; one that does not parse is `malformed`.
    public func request() throws -> CertificateSigningRequest {
        do {
            return try CertificateSigningRequest(pemEncoded: csr)
        } catch {
            throw CALError.malformed(what: "the csr field", reason: CALError.reason(describing: error))
        }
    }
}
