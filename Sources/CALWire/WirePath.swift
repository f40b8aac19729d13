/// The routes of CALKit's services, as both sides name them (docs/openapi.yaml describes each).
public enum WirePath {
    // MARK: License server
    /// `GET`: packs, counts, issuers.
    public static let status = "/v1/status"
    /// `GET`: the server certificate, then the root.
    public static let chain = "/v1/chain"
    /// `POST`: a license for a client at logon; `GET` (admin): every license issued.
    public static let licenses = "/v1/licenses"
    /// `POST`: renew a permanent license; `{serial}` is its hex serial.
    public static let renewal = "/v1/licenses/{serial}/renew"
    /// `GET`: the signed key packs; `POST` (admin): install one (license server) or sell one (clearinghouse).
    public static let packs = "/v1/packs"
    /// `POST` (admin): revoke a license.
    public static let revocations = "/v1/revocations"
    /// `GET` (admin): usage per product and license type.
    public static let report = "/v1/report"
    /// `POST`: RFC 6960 OCSP; `GET /ocsp/{request}` with the request base64 in the path.
    public static let ocsp = "/ocsp"
    /// `GET`: the current CRL (both services).
    public static let crl = "/crl"
    /// `GET`: the license server's current delta CRL, on top of the complete CRL at ``crl``.
    public static let deltaCRL = "/crl/delta"
    /// The process's metrics for Prometheus (text format).
    public static let metrics = "/metrics"

    // MARK: Clearinghouse
    /// `POST`: automatic activation; an activation request in, the chain out.
    public static let activations = "/v1/activations"
    /// `POST` (operator): a transfer grant for a license file.
    public static let transfers = "/v1/transfers"

    /// The renewal route for `serial`.
    public static func renewal(serial: String) -> String { "/v1/licenses/\(serial)/renew" }

    /// The header a first activation carries its one-time activation code in.
    public static let activationCodeHeader = "CALKit-Activation-Code"
}
