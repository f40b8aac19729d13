import CALCore
import Foundation
import X509

/// One verified license as `calkit verify` and `calkit client verify` print it.
struct VerificationReport: Encodable {
    var file: String
    var valid: Bool
    var reason: String?
    var message: String?
    var serial: String?
    var licenseType: String?
    var status: String?
    var product: String?
    var subject: String?
    var notAfter: String?

    init(file: String, license: Certificate?, verdict: Result<LicenseExtension, CALError>) {
        self.file = file
        if let license {
            serial = SerialNumbers.hex(license.serialNumber)
            subject = SubjectNames.commonName(of: license.subject)
            notAfter = Output.date(license.notValidAfter)
        }
        switch verdict {
        case .success(let value):
            valid = true
            licenseType = value.licenseType.rawValue
            status = value.status.rawValue
            product = value.product
        case .failure(let rejection):
            valid = false
            reason = rejection.code.rawValue
            message = rejection.detail
        }
    }

    /// The one line a person reads.
    var line: String {
        if valid {
            return "valid: \(status ?? "") \(licenseType ?? "") license of \(product ?? "") for \(subject ?? "") until \(notAfter ?? "") (\(file))"
        }
        return "refused: \(reason ?? ""): \(message ?? "") (\(file))"
    }
}
