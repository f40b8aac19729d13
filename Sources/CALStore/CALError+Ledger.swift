import CALCore

extension CALError {
    /// The issuer whose key signed a license is no longer the active one: it was retired or
    /// declared compromised between the signature and the commit. The license server tries
    /// again with the issuer now active, or refuses with `issuer-compromised`.
    public static func issuerNotActive(keyID: String) -> CALError {
        CALError(.issuerNotActive, "issuer \(keyID) is no longer the active issuer", context: ["keyID": keyID])
    }

    /// A node of a license server still holds the key that a rotation, completed on another
    /// node, retired: it must not sign with it, and has no other until the new key is copied to it.
    public static func nodeKeyRetired(keyID: String) -> CALError {
        CALError(
            .issuerNotActive,
            "this node signs with key \(keyID), which a rotation completed on another node retired; copy the new key and chain to this node from the node that rotated",
            context: ["keyID": keyID]
        )
    }

    /// A delta CRL lists what changed since a complete CRL of the same issuer, and that issuer
    /// has published none yet.
    public static func noCompleteCRL(issuerKeyID: String) -> CALError {
        CALError(
            .invalidArgument, "issuer \(issuerKeyID) has published no complete CRL for a delta CRL to add to; publish a complete CRL first",
            context: ["keyID": issuerKeyID]
        )
    }
}
