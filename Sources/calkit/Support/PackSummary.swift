import CALCore
import X509

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
    var ledgerID: String?

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
        ledgerID = content.ledgerID
    }

    /// The first certificate of the PEM file `path`: the license server certificate a pack is sold or reissued for.
    static func serverCertificate(at path: String) throws -> Certificate {
        guard let certificate = try PEMBundle.certificates(at: path).first else {
            throw CALError.malformed(what: path, reason: "no certificate")
        }
        return certificate
    }

    /// Writes a pack the clearinghouse made to `out` and says so (`verb`: Issued, Reissued), as JSON with `json`.
    static func write(_ pack: KeyPack, to out: String, verb: String, json: Bool) throws {
        try SecureFile.write(pack.signedBytes, to: out)
        let content = pack.content
        if json {
            Output.json(PackSummary(content, file: out))
        } else {
            print("\(verb) key pack " + sentence(content))
            print("for license server \(content.licenseServerID), agreement \(content.agreementNumber)")
            print("key pack: \(out)")
        }
    }
}
