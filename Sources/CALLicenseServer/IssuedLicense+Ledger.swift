import CALCore
import CALLicensing
import CALStore

extension IssuedLicense {
    /// The record as the licensing rules read it. Throws for a record whose type, status or
    /// certificate does not read, which the rules never guess about.
    func ledgerLicense() throws -> LedgerLicense {
        guard let type = LicenseType(rawValue: licenseType), let status = LicenseStatus(rawValue: self.status) else {
            throw CALError.storage("license \(serial) is recorded as \(self.status) \(licenseType), which is not a license kind")
        }
        return LedgerLicense(
            serial: serial,
            licenseType: type,
            status: status,
            product: product,
            subjectName: subjectName,
            keyID: try PEMBundle.certificateFromDER(certificate).publicKey.keyIdentifier,
            issuerKeyID: issuerKeyID,
            packID: packID,
            seat: seat,
            notBefore: notBefore,
            notAfter: notAfter,
            revokedAt: revokedAt,
            revocationReason: revocationReason.flatMap(RevocationReason.init(rawValue:)),
            supersededBy: supersededBy
        )
    }
}
