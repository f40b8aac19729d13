import CALCore
import CALStore
import Foundation
import X509

/// The one commit path of issuance, renewal, replacement and transfer: a ledger operation that
/// reads, decides and writes in one transaction, and signs the license inside it, so that a seat
/// is taken if and only if its license is recorded.
extension LicenseServer {
    /// Signs a license inside a ledger operation: the license extension and its end of validity in,
    /// the record out; the certificate is kept for the caller.
    typealias Mint = (_ license: LicenseExtension, _ notAfter: Date) throws -> IssuedLicense

    /// Runs `operation` with the active issuer's `Mint` for `subject`'s `key` and returns what it
    /// minted. Store refusals become CALKit errors here, once; when another process completed a
    /// key rotation meanwhile, the operation runs again with the new key.
    func commit(
        for subject: LicenseSubject,
        key: Certificate.PublicKey,
        now: Date,
        _ operation: (_ mint: Mint) throws -> IssuedLicense
    ) throws -> IssuedCertificate {
        let issuer = try activeIssuer()
        var minted: Certificate?
        let record: IssuedLicense
        do {
            record = try operation { license, notAfter in
                let (certificate, record) = try mint(license, for: subject, key: key, issuer: issuer, now: now, notAfter: notAfter)
                minted = certificate
                return record
            }
        } catch StoreError.issuerNotActive(let keyID) where retiredMeanwhile(keyID) {
            return try commit(for: subject, key: key, now: now, operation)
        } catch let error as StoreError {
            throw Self.translate(error)
        }
        guard let minted else { throw CALError.storage("the store recorded a license it did not mint") }
        return IssuedCertificate(certificate: minted, issuer: issuer.certificate, record: record)
    }

    /// A store refusal in CALKit's terms; anything else the store says is `storage`.
    static func translate(_ error: StoreError) -> CALError {
        switch error {
        case .noSeatAvailable(let product): return .noSeatAvailable(product: product)
        case .userLimitReached(let product, let purchased): return .perUserLimitReached(product: product, purchased: purchased)
        case .noPack(let product, let type): return .noPackForProduct(product: product, type: type.rawValue)
        case .issuerNotActive: return .issuerCompromised
        case .unknownSerial(let serial): return .unknownSerial(serial)
        case .alreadyRevoked(let serial): return .alreadyRevoked(serial)
        case .alreadySuperseded(let serial, let newer): return .notRenewable("\(serial) was renewed before, by \(newer)")
        case .seatLost(let serial): return .notRenewable("the seat of \(serial) went to another license after it expired")
        case .grantAlreadyUsed(let id): return .grantAlreadyUsed(grantID: id)
        case .grantMismatch(let text): return .notTransferable(text)
        case .packAlreadyInstalled(let id): return .packAlreadyInstalled(packID: id)
        case .revocationQuotaExceeded(let product, let version, let limit):
            return .revocationQuotaExceeded(product: product, productVersion: version, limit: limit)
        case .seatAlreadyTransferred(let pack, let seat): return .seatAlreadyTransferred(keyPackID: pack, seat: seat)
        case .activationCodeInvalid: return .activationCodeInvalid
        case .duplicateSerial, .database: return .storage("\(error)")
        }
    }
}
