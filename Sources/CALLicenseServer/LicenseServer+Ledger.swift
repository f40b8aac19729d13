import CALCore
internal import CALStore
import Foundation
import X509

/// The one commit path of issuance, renewal, replacement and transfer: a ledger operation that
/// reads, decides and writes in one transaction, and signs the license inside it, so that a seat
/// is taken if and only if its license is recorded.
extension LicenseServer {
    /// Signs a license inside a ledger operation: the license extension and its end of validity in,
    /// the record out; the certificate is kept for the caller.
    typealias Mint = (_ license: LicenseExtension, _ notAfter: Date) throws -> IssuedLicense

    /// Runs `operation` with the active issuer's `Mint` for `subject`'s key (`request`'s) and returns what it
    /// minted. Store refusals become CALKit errors here, once; when another process completed a
    /// key rotation meanwhile, the operation runs again with the new key.
    func commit(
        for subject: LicenseSubject,
        request: CertificateSigningRequest,
        now: Date,
        _ operation: (_ mint: Mint) throws -> IssuedLicense
    ) throws -> IssuedCertificate {
        let issuer = try activeIssuer()
        // The client's key as its request encoded it: not converted and encoded again.
        let key = ClientKey(publicKey: request.publicKey, info: ClientLicenseRequest.publicKeyInfo(of: request))
        var minted: Certificate?
        let record: IssuedLicense
        do {
            record = try operation { license, notAfter in
                let (certificate, record) = try mint(license, for: subject, key: key, issuer: issuer, now: now, notAfter: notAfter)
                minted = certificate
                return record
            }
        } catch let error as CALError where error.code == .issuerNotActive {
            // Retired between the signature and the commit: sign again with the issuer now active.
            // Declared compromised: sign nothing.
            if let keyID = error.context["keyID"], retiredMeanwhile(keyID) {
                // Unless the rotation was completed on another node: this node's files still
                // hold the retired key, and signing again would only sign with it again.
                guard (try? activeIssuer())?.keyID != keyID else { throw CALError.nodeKeyRetired(keyID: keyID) }
                return try commit(for: subject, request: request, now: now, operation)
            }
            throw CALError.issuerCompromised
        }
        guard let minted else { throw CALError.storage("the store recorded a license it did not mint") }
        return IssuedCertificate(certificate: minted, issuer: issuer.certificate, record: LicenseRecord(record))
    }
}
