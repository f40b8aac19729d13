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
        csr = try request.csr.serializeAsPEM().pemString
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

/// The JSON answer of `POST /v1/licenses` when a license is granted or the current one stands.
public struct LicenseGrantMessage: Codable, Sendable {
    /// `issued` or `keep-current`.
    public var decision: String
    /// The new license, PEM, when issued.
    public var license: String?
    /// The chain to verify it (the server certificate), PEM, when issued.
    public var chain: String?
    /// The new license's serial, hex, when issued.
    public var serial: String?

    /// The message for a grant; refusals travel as errors instead.
    public init(_ grant: LicenseGrant) throws {
        switch grant {
        case .issued(let license, let chain):
            decision = "issued"
            self.license = try PEMBundle.pem(of: [license])
            self.chain = try PEMBundle.pem(of: chain)
            serial = SerialNumbers.hex(license.serialNumber)
        case .keepCurrent, .refused:
            decision = "keep-current"
        }
    }

    /// The grant it carries.
    public func grant() throws -> LicenseGrant {
        guard decision == "issued" else { return .keepCurrent }
        guard let license, let chain else { throw CALError.malformed(what: "the license server's answer", reason: "no license in an issued answer") }
        return .issued(license: try Certificate(pemEncoded: license), chain: try PEMBundle.certificates(in: chain, path: "the license server's answer"))
    }
}
