import CALCore

/// A key pack as scripts see it.
struct PackSummary: Encodable {
    var file: String?
    var keyPackID: String
    var licenseServerID: String
    var licenseType: String
    var count: Int
    var product: String
    var productVersion: String
    var agreementNumber: String
    var issuedAt: String

    /// `<id>: 25 per-user CALs of Product 1.0`, for people.
    static func sentence(_ content: KeyPackContent) -> String {
        let noun = content.count == 1 ? "CAL" : "CALs"
        return "\(content.keyPackID): \(content.count) \(content.licenseType.rawValue) \(noun) of "
            + "\(content.product) \(content.productVersion)"
    }

    init(_ content: KeyPackContent, file: String? = nil) {
        self.file = file
        keyPackID = content.keyPackID
        licenseServerID = content.licenseServerID
        licenseType = content.licenseType.rawValue
        count = content.count
        product = content.product
        productVersion = content.productVersion
        agreementNumber = content.agreementNumber
        issuedAt = Output.date(content.issuedAt)
    }
}
