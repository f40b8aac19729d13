import CALCore
import CALStore
import Foundation

/// One issued license as scripts see it (without the certificate): `GET /v1/licenses` lists
/// these, and `server issue --json` / `server transfer --json` print one with the file written.
public struct LicenseListing: Encodable, Sendable {
    /// The file the license was written to, when a command wrote one.
    public var file: String?
    /// The serial number, hex.
    public var serial: String
    /// Per device or per user (`per-device`, `per-user` in JSON).
    public var licenseType: LicenseType
    /// Permanent or temporary (`permanent`, `temporary` in JSON).
    public var status: LicenseStatus
    /// The licensed product.
    public var product: String
    /// The product version of its pack, empty for temporary licenses.
    public var productVersion: String
    /// The device id or user principal it is bound to.
    public var subject: String
    /// The key pack whose seat it holds, if any.
    public var keyPackID: String?
    /// The seat number in that pack, if any.
    public var seat: Int?
    /// Valid from.
    public var notBefore: Date
    /// Valid until.
    public var notAfter: Date
    /// The key identifier of the server key that signed it.
    public var issuerKeyID: String?

    /// The listing of a recorded license.
    public init(_ license: IssuedLicense, file: String? = nil) {
        self.file = file
        serial = license.serial
        licenseType = license.licenseType
        status = license.status
        product = license.product
        productVersion = license.productVersion
        subject = license.subjectName
        keyPackID = license.packID
        seat = license.seat
        notBefore = license.notBefore
        notAfter = license.notAfter
        issuerKeyID = license.issuerKeyID
    }
}
