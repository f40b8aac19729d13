import Foundation

/// The media types CALKit's services read and answer, as both sides spell them.
public enum MediaType {
    /// JSON messages and errors.
    public static let json = "application/json"
    /// A certificate chain as PEM (the license server's chain, an activation's answer).
    public static let pemCertificateChain = "application/pem-certificate-chain"
    /// A PEM file, such as the license file a transfer request carries.
    public static let pemFile = "application/x-pem-file"
    /// A certificate signing request (PEM), an activation request.
    public static let pkcs10 = "application/pkcs10"
    /// A CRL (DER).
    public static let crl = "application/pkix-crl"
    /// An OCSP request (DER).
    public static let ocspRequest = "application/ocsp-request"
    /// An OCSP response (DER).
    public static let ocspResponse = "application/ocsp-response"
    /// CMS SignedData (DER): a key pack or a transfer grant.
    public static let cms = "application/cms"
    /// Prometheus's text exposition format (`GET /metrics`).
    public static let prometheusText = "text/plain; version=0.0.4; charset=utf-8"
    /// Bytes with no more specific type (a key pack installed on a license server).
    public static let octetStream = "application/octet-stream"

    /// Whether a Content-Type header value is `type` (parameters such as charset ignored, case not significant).
    public static func matches(_ header: String?, _ type: String) -> Bool {
        guard let header else { return false }
        let bare = header.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return bare.lowercased() == type
    }
}
