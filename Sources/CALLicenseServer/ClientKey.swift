import X509

/// The key a license is signed for, with its SubjectPublicKeyInfo as the client's request
/// encoded it when that can be reused as is (nil: encoded from the key).
struct ClientKey {
    let publicKey: Certificate.PublicKey
    let info: [UInt8]?
}
