import X509

extension Certificate.PublicKey {
    /// The key's identifier as CALKit names issuers by it: the RFC 5280 method-1 subject key
    /// identifier (SHA-1 of the public key bits), lower-case hex — the value in the issuer's SKI
    /// extension and in its licenses' AKI.
    public var keyIdentifier: String {
        SerialNumbers.hex(SubjectKeyIdentifier(hash: self).keyIdentifier)
    }
}

extension Certificate {
    /// The key identifier of the key that signed this certificate, from its authority key
    /// identifier extension; nil when it has none.
    public var issuerKeyIdentifier: String? {
        guard let identifier = try? extensions.authorityKeyIdentifier?.keyIdentifier else { return nil }
        return SerialNumbers.hex(identifier)
    }
}
