/// Who may take a license's seat onto a key: only the holder of the key the license certifies.
/// A request proves possession of its own key (it is signed by it); it proves possession of the
/// licensed key when that is the same key, or when it carries a continuity signature by the
/// licensed key over the new one (a client that re-keyed).
public enum KeyPossession {
    /// Whether a request for key `requestKeyID`, whose verified continuity signature (if any)
    /// names `previousKeyID`, proves possession of the key `licenseKeyID` a license certifies.
    public static func proves(licenseKeyID: String, requestKeyID: String, previousKeyID: String?) -> Bool {
        licenseKeyID == requestKeyID || (previousKeyID != nil && licenseKeyID == previousKeyID)
    }
}
