import CALCore
import CALStore
import Foundation
import X509

/// Answers OCSP requests about the licenses a server issued, from its store: good, revoked
/// (with time and reason) or unknown, signed by the server key, echoing the request's nonce.
struct OCSPResponder {
    let issuer: Certificate
    let key: Certificate.PrivateKey
    let store: any LicenseServerStore

    /// The signed response to `request` at `now`, valid for `validity` seconds.
    func respond(to request: OCSPRequest, now: Date, validity: TimeInterval) throws -> OCSPResponse {
        let responses = try request.certificateIDs.map { id in
            OCSPResponse.SingleResponse(
                certificateID: id,
                status: try status(of: id),
                thisUpdate: now,
                nextUpdate: now.addingTimeInterval(validity)
            )
        }
        return try OCSPResponse.sign(responses, responder: issuer, key: key, producedAt: now, nonce: request.nonce)
    }

    private func status(of id: OCSPCertificateID) throws -> OCSPResponse.CertificateStatus {
        guard id.isIssued(by: issuer) else { return .unknown }
        guard let record = try store.status(of: SerialNumbers.hex(id.serial)) else { return .unknown }
        guard let revocation = record.revocation else { return .good }
        return .revoked(at: revocation.revokedAt, reason: RevocationReason(rawValue: revocation.reason))
    }
}
