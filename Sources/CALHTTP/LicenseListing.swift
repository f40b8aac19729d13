import CALStore
import Foundation

/// One issued license as `GET /v1/licenses` lists it (without the certificate).
struct LicenseListing: Encodable {
    let serial: String
    let licenseType: String
    let status: String
    let product: String
    let productVersion: String
    let subject: String
    let keyPackID: String?
    let seat: Int?
    let notBefore: Date
    let notAfter: Date
    let issuerKeyID: String?

    init(_ license: IssuedLicense) {
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
