import CALCore
import X509

/// The JSON body of `POST /v1/packs` on the clearinghouse (operator): a key pack to sell, bound
/// to the license server whose certificate it names.
public struct PackOrderMessage: Codable, Sendable {
    /// The license server's certificate, PEM.
    public var serverCertificate: String
    /// `per-device` or `per-user`.
    public var licenseType: LicenseType
    /// How many CALs.
    public var count: Int
    /// The licensed product.
    public var product: String
    /// The product version, if any.
    public var productVersion: String?
    /// The license agreement number.
    public var agreement: String

    /// An order for `count` CALs of `product` for the server of `serverCertificate`.
    public init(
        serverCertificate: Certificate, licenseType: LicenseType, count: Int, product: String, productVersion: String?, agreement: String
    ) throws {
        self.serverCertificate = try PEMBundle.pem(of: [serverCertificate])
        self.licenseType = licenseType
        self.count = count
        self.product = product
        self.productVersion = productVersion
        self.agreement = agreement
    }

    /// The server certificate it names; one that does not parse is `malformed`.
    public func certificate() throws -> Certificate {
        do {
            return try Certificate(pemEncoded: serverCertificate)
        } catch {
            throw CALError.malformed(what: "the serverCertificate field", reason: CALError.reason(describing: error))
        }
    }
}
