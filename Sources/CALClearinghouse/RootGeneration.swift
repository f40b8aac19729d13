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
        let rootKey = try PrivateKeyFile.read(from: home.file(prefix + Files.rootKey), passphrase: passphrase, expected: root.publicKey)
        let signer = try PEMBundle.certificate(at: home.file(prefix + Files.signer))
        let signerKey = try PrivateKeyFile.read(from: home.file(prefix + Files.signerKey), passphrase: passphrase, expected: signer.publicKey)
        return RootGeneration(root: root, rootKey: rootKey, signer: signer, signerKey: signerKey)
    }
}
