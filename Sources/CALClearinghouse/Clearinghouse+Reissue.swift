import CALCore
import CALLicensing
internal import CALStore
import Foundation
import X509

extension Clearinghouse {
    /// Reissues a key pack this clearinghouse sold, for its license server's current certificate
    /// and one ledger of that server (`ledgerID`, which `server status` prints): the same pack
    /// id, seats, product and agreement, issued now, installable into that ledger only.
    ///
    /// This is how a license server whose ledger was lost gets its packs back after it was
    /// reactivated: a pack issued before a ledger was created does not install into it
    /// (``CALError/Code/packPredatesLedger``). Because the pack id is unchanged, a server that
    /// still holds the pack cannot install the reissue as well (``CALError/Code/packAlreadyInstalled``),
    /// nor can a copy of the server's home with a ledger of its own (another ledger id);
    /// each reissue is recorded and audited, and a pack is reissued at most
    /// ``LicensingTerms/packReissueLimit`` times.
    public func reissuePack(packID: String, serverCertificate: Certificate, ledgerID: String) throws -> KeyPack {
        guard ledgerID.count == CALIdentifier.random().count, ledgerID.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            throw CALError.invalidArgument("\(ledgerID) is not a ledger id (35 letters and digits, as `server status` prints it)")
        }
        let serverID = try activatedServerID(of: serverCertificate)
        let generation = try self.generation(issuing: serverCertificate)
        let now = time.now
        return try store.reissuePack(packID: packID, limit: LicensingTerms.packReissueLimit, now: now) { sale, _ in
            guard sale.serverID == serverID else {
                throw CALError.packNotForThisServer(packServerID: sale.serverID, thisServerID: serverID)
            }
            guard let licenseType = LicenseType(rawValue: sale.licenseType) else {
                throw CALError.storage("the sold pack \(packID) records an unknown license type \(sale.licenseType)")
            }
            let content = KeyPackContent(
                keyPackID: sale.packID, licenseServerID: serverID, licenseType: licenseType, count: sale.count, product: sale.product,
                productVersion: sale.productVersion, agreementNumber: sale.agreementNumber, issuedAt: now, ledgerID: ledgerID
            )
            return try KeyPack.sign(content, signer: generation.signer, signerKey: generation.signerKey)
        }
    }
}
