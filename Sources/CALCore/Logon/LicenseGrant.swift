import X509

/// A license server's answer to a ``LicenseRequest``.
public enum LicenseGrant: Sendable {
    /// A new license for the client to store, with the chain to verify it (server certificate).
    case issued(license: Certificate, chain: [Certificate])
    /// Nothing new: the license the client presented stands.
    case keepCurrent
    /// No license can be had; the code says why.
    case refused(CALError)
}
