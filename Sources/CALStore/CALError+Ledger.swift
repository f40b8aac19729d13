import CALCore

extension CALError {
    /// The issuer whose key signed a license is no longer the active one: it was retired or
    /// declared compromised between the signature and the commit. The license server tries
    /// again with the issuer now active, or refuses with `issuer-compromised`.
    public static func issuerNotActive(keyID: String) -> CALError {
        CALError(.issuerNotActive, "issuer \(keyID) is no longer the active issuer", context: ["keyID": keyID])
    }
}
