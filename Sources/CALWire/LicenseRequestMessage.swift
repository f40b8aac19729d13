import CALCore
import Foundation
import X509

/// The JSON body of `POST /v1/licenses`: what a session host sends for a client at logon.
public struct LicenseRequestMessage: Codable, Sendable {
    /// The client's license request, PEM.
    public var csr: String
    /// `per-device` or `per-user`, the host's mode.
    public var mode: LicenseType
    /// The product the host serves, if it names one.
    public var product: String?
    /// The license the client presented, PEM, if any.
    public var presented: String?

    /// The message for a request.
    public init(_ request: LicenseRequest) throws {
        csr = PEMText.encode(type: "CERTIFICATE REQUEST", derBytes: try request.csr.derBytes())
        mode = request.mode
        product = request.product
        presented = try request.presented.map { try PEMBundle.pem(of: [$0]) }
    }

    /// The request it carries; a malformed CSR or certificate is `malformed`.
    public func request() throws -> LicenseRequest {
        let csr: CertificateSigningRequest
        do {
            csr = try CertificateSigningRequest(pemEncoded: self.csr)
        } catch {
            throw CALError.malformed(what: "the csr field", reason: CALError.reason(describing: error))
        }
        var presented: Certificate?
        if let text = self.presented {
            do {
                presented = try Certificate(pemEncoded: text)
            } catch {
                throw CALError.malformed(what: "the presented field", reason: CALError.reason(describing: error))
            }
        }
        if let product { try ProductName.validate(product) }
        return LicenseRequest(csr: csr, mode: mode, product: product, presented: presented)
    }
}
