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

extension Certificate {
    /// The key identifier of the certified key, read from the certificate's subject key
    /// identifier extension when it has one, else computed from the key: the same value for
    /// every certificate CALKit writes, without hashing the key again. Only for certificates
    /// whose contents are known to be CALKit's own (a ledger record, say): anyone else's
    /// certificate can carry any identifier.
    package var recordedKeyIdentifier: String {
        if let identifier = try? extensions.subjectKeyIdentifier?.keyIdentifier { return SerialNumbers.hex(identifier) }
        return publicKey.keyIdentifier
    }
}
