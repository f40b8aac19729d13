import CALCore
internal import CALStore
import Foundation
import X509

/// Answers OCSP requests about the licenses a server issued, from its store: good, revoked
/// (with time and reason) or unknown, signed by the issuer's key, echoing the request's nonce.
/// An issuer declared compromised answers nothing.
struct OCSPResponder {
    let issuer: Issuer
    let store: any LicenseServerStore

    /// What the ledger says of the certificates `request` asks about that this issuer issued;
    /// `issuer-compromised` if the issuer may no longer sign.
    func ledgerStatus(for request: OCSPRequest) throws -> IssuerRevocationStatus {
        let ours = request.certificateIDs.filter(issuer.ocspHashes.issued)
        let known = try store.revocationStatus(of: ours.map { SerialNumbers.hex($0.serial) }, issuerKeyID: issuer.keyID)
        guard known.issuerStatus != .compromised else { throw CALError.issuerCompromised }
        return known
    }

    /// The signed response to `request` stating `known`, at `now`, valid for `validity` seconds.
    func respond(to request: OCSPRequest, known: IssuerRevocationStatus, now: Date, validity: TimeInterval) throws -> OCSPResponse {
        let responses = request.certificateIDs.map { id in
            OCSPResponse.SingleResponse(
                certificateID: id,
                status: Self.status(issuer.ocspHashes.issued(id) ? known.licenses[SerialNumbers.hex(id.serial)] : nil),
                thisUpdate: now,
                nextUpdate: now.addingTimeInterval(validity)
            )
        }
        return try OCSPResponse.sign(
            responses, responder: issuer.certificate, key: issuer.key, producedAt: now, nonce: request.nonce,
            responderKeyHash: issuer.ocspHashes.sha1KeyHash
        )
    }

    private static func status(_ record: LicenseRecordStatus?) -> OCSPResponse.CertificateStatus {
        guard let record else { return .unknown }
        guard let revocation = record.revocation else { return .good }
        return .revoked(at: revocation.revokedAt, reason: revocation.reason)
    }
}
