import SwiftASN1

/// Every object identifier CALKit defines, in one place.
///
/// All of them hang below ``CALKitOID/arc``, `1.3.6.1.4.1.32473.2002`. 32473 is the private
/// enterprise number RFC 5612 reserves for documentation and examples: a deployment swaps the
/// arc for its own registered enterprise number and changes nothing else.
public enum CALKitOID {
    /// The project's arc, `1.3.6.1.4.1.32473.2002`.
    public static let arc: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 32473, 2002]

    /// id-ce-clientLicense: the non-critical license extension of a client license certificate.
    public static let clientLicenseExtension: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 32473, 2002, 1]

    /// id-kp-clientLicense: the extended key usage that marks a certificate as a client license.
    public static let clientLicenseKeyPurpose: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 32473, 2002, 2]

    /// id-ct-keyPack: the content type that opens the DER content of a signed key pack.
    public static let keyPackContentType: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 32473, 2002, 3]

    /// id-ct-transferAuthorization: the content type that opens a transfer grant.
    public static let transferAuthorizationContentType: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 32473, 2002, 4]

    /// id-aa-keyContinuity: the CSR attribute proving a new key comes from the holder of the old
    /// one (``KeyContinuity``), for license-server reactivation and client re-key.
    public static let keyContinuityAttribute: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 32473, 2002, 5]

    /// The X.520 serialNumber attribute, which carries the license-server id in a subject.
    public static let serialNumberAttribute: ASN1ObjectIdentifier = [2, 5, 4, 5]

    /// The Microsoft user principal name `otherName` type, how a CSR names the user it asks for.
    public static let userPrincipalName: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 311, 20, 2, 3]

    /// The TLS server authentication key purpose, named so its certificates can be refused by name.
    public static let serverAuthKeyPurpose: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 3, 1]
}
