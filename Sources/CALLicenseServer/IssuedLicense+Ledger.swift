import CALCore
import CALLicensing
internal import CALStore

extension IssuedLicense {
    /// The record as the licensing rules read it. Throws for a record whose certificate does
    /// not read, which the rules never guess about.
    /// `keyID`, when the caller already knows the certified key's identifier, spares parsing the certificate.
    func ledgerLicense(keyID knownKeyID: String? = nil) throws -> LedgerLicense {
        LedgerLicense(
            serial: serial,
            licenseType: licenseType,
            status: status,
            product: product,
            subjectName: subjectName,
            keyID: try knownKeyID ?? PEMBundle.certificateFromDER(certificate).recordedKeyIdentifier,
            issuerKeyID: issuerKeyID,
            packID: packID,
            seat: seat,
            notBefore: notBefore,
            notAfter: notAfter,
            revokedAt: revokedAt,
            revocationReason: revocationReason,
            supersededBy: supersededBy
        )
    }
}
