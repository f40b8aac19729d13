import CALCore
import X509

/// One root of the clearinghouse with the signing certificate it issued: what activates servers
/// under it, signs their key packs and grants, and signs its CRL.
struct RootGeneration: Sendable {
    /// The root certificate.
    let root: Certificate
    /// The root key.
    let rootKey: Certificate.PrivateKey
    /// The signing certificate for packs and grants, issued by this root.
    let signer: Certificate
    /// The signing key.
    let signerKey: Certificate.PrivateKey

    /// The root's key identifier.
    var keyID: String { root.publicKey.keyIdentifier }

    /// Reads a generation's four files from `home`, each name preceded by `prefix`.
    static func load(from home: RoleHome, prefix: String, passphrase: Passphrase?) throws -> RootGeneration {
        typealias Files = Clearinghouse.Files
        let root = try PEMBundle.certificate(at: home.file(prefix + Files.root))
        let rootKey = try PrivateKeyFile.read(from: home.file(prefix + Files.rootKey), passphrase: passphrase)
        guard rootKey.publicKey == root.publicKey else {
            throw CALError.certificateKeyMismatch("\(home.file(prefix + Files.rootKey)) is not the key of \(home.file(prefix + Files.root))")
        }
        let signer = try PEMBundle.certificate(at: home.file(prefix + Files.signer))
        let signerKey = try PrivateKeyFile.read(from: home.file(prefix + Files.signerKey), passphrase: passphrase)
        guard signerKey.publicKey == signer.publicKey else {
            throw CALError.certificateKeyMismatch("\(home.file(prefix + Files.signerKey)) is not the key of \(home.file(prefix + Files.signer))")
        }
        return RootGeneration(root: root, rootKey: rootKey, signer: signer, signerKey: signerKey)
    }
}
