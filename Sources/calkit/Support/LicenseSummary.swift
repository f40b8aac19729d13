import CALCore
import CALStore

/// An issued license as scripts see it.
struct LicenseSummary: Encodable {
    var file: String?
    var serial: String
    var licenseType: String
    var status: String
    var product: String
    var productVersion: String
    var subject: String
    var keyPackID: String?
    var seat: Int?
    var notBefore: String
    var notAfter: String

    init(_ record: IssuedLicense, file: String?) {
        self.file = file
        serial = record.serial
        licenseType = record.licenseType
        status = record.status
        product = record.product
        productVersion = record.productVersion
        subject = record.subjectName
        keyPackID = record.packID
        seat = record.seat
        notBefore = Output.date(record.notBefore)
        notAfter = Output.date(record.notAfter)
    }
}
