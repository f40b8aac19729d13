/// Why a license was refused. The code is stable: hosts, scripts and `--json` output rely on it.
public struct LicenseRejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable reason codes. Published codes never change meaning.
    public enum Code: String, Sendable, CaseIterable, Codable {
        /// The bytes are not a certificate, or a field in it does not parse.
        case malformed
        /// A signature in the chain does not verify.
        case badSignature = "bad-signature"
        /// The chain does not lead to a trusted clearinghouse root.
        case untrustedRoot = "untrusted-root"
        /// The license, or a certificate above it, has expired at the time checked.
        case expired
        /// The license, or a certificate above it, is not yet valid at the time checked.
        case notYetValid = "not-yet-valid"
        /// The license names another device.
        case wrongDevice = "wrong-device"
        /// The license names another user.
        case wrongUser = "wrong-user"
        /// The license certifies a key other than the holder's.
        case wrongKey = "wrong-key"
        /// The license is for another product than the one served.
        case wrongProduct = "wrong-product"
        /// The certificate is not a client license (a CA or TLS certificate, say).
        case notAClientLicense = "not-a-client-license"
        /// The issuing certificate is not a license-server certificate.
        case notALicenseServer = "not-a-license-server"
        /// The license is revoked (the detail names the reason).
        case revoked
        /// The license server's certificate is revoked by the clearinghouse.
        case issuerRevoked = "issuer-revoked"
        /// A CRL given is past its next update.
        case staleCRL = "stale-crl"
        /// A CRL given claims the issuer's name but its signature does not verify with the issuer's key.
        case crlBadSignature = "crl-bad-signature"
        /// An OCSP response about the license is not signed by its license server.
        case ocspBadSignature = "ocsp-bad-signature"
        /// An OCSP response about the license is past its next update.
        case staleOCSP = "stale-ocsp"
        /// A revocation check was required and no CRL or OCSP response establishes the status.
        case revocationUnknown = "revocation-unknown"
        /// The license was issued by a license server the verifier is not bound to.
        case untrustedLicenseServer = "untrusted-license-server"
        /// A permanent CAL that no key pack the clearinghouse signed for its server backs
        /// (no such pack, another server's, product or type, or a seat beyond the pack's count).
        case unbackedLicense = "unbacked-license"
    }

    /// The stable reason code.
    public var code: Code
    /// A sentence for people; never parsed.
    public var detail: String

    /// Creates a rejection with its code and a sentence for people.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
