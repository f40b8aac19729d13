import Foundation
import X509

extension LicenseServerProfile {
    /// What a telephone activation asks for. A name is not read out, so the certificate's
    /// common name is the license-server id, which both sides know.
    public static func telephoneActivationRequest(serverID: String, publicKey: Certificate.PublicKey) -> ActivationRequest {
        ActivationRequest(name: serverID, serverID: serverID, publicKey: publicKey, continuity: nil)
    }

    /// The fields a telephone activation response reads out of a certificate the clearinghouse issued.
    public static func telephoneResponse(for certificate: Certificate, days: Int, issuerKeyType: KeyType) throws -> TelephoneMessage {
        .activationResponse(
            serial: certificate.serialNumber, notBefore: certificate.notValidBefore, days: days,
            signature: try TelephoneSignature(signedBy: issuerKeyType, in: try certificate.derBytes())
        )
    }

    /// The license-server certificate rebuilt from a telephone activation response: the same
    /// profile, fields and issuer as the clearinghouse signed, with the signature read out. Its
    /// signature is not checked here; installing it checks it like any other.
    public static func rebuildCertificate(
        for request: ActivationRequest,
        issuer: Certificate,
        serial: Certificate.SerialNumber,
        notBefore: Date,
        days: Int,
        signature: TelephoneSignature
    ) throws -> Certificate {
        let unsigned = try makeCertificate(
            for: request, issuer: issuer, issuerKey: try signature.placeholderKey(), notBefore: notBefore, days: days, serialNumber: serial
        )
        return try Certificate(derEncoded: try signature.spliced(into: try unsigned.derBytes()))
    }
}
