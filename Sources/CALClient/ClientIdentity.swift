import CALCore
import Foundation
import X509

/// A client: its key pair, its device id, and its local license store.
public struct ClientIdentity: Sendable {
    /// The file names inside a client home.
    public enum Files {
        /// The client's private key (0600).
        public static let key = "client-key.pem"
        /// The folder of stored licenses.
        public static let licenses = "licenses"
    }

    /// The home folder.
    public let home: RoleHome
    /// The device id licenses bind to.
    public var deviceID: String { home.manifest.id ?? "" }
    /// The client's public key.
    public var publicKey: Certificate.PublicKey { key.publicKey }
    /// The licenses stored on this client.
    public var store: LicenseStore { LicenseStore(folder: home.file(Files.licenses), holderKey: key.publicKey) }
    private let key: Certificate.PrivateKey

    /// Creates a client in a new home with a new key and a device id (default: this machine's).
    public static func create(
        at path: String,
        deviceID: String? = nil,
        keyType: KeyType = .p256,
        passphrase: Passphrase? = nil
    ) throws -> ClientIdentity {
        let id = deviceID ?? DeviceID.ofThisMachine()
        try LicenseSubject.validate(id, as: "--device-id")
        let key = try keyType.generate()
        let home = try RoleHome.create(at: path, manifest: .init(role: .client, id: id, keyType: keyType))
        try PrivateKeyFile.write(key, to: home.file(Files.key), passphrase: passphrase)
        try SecureFile.makeFolder(home.file(Files.licenses))
        return try ClientIdentity(home: path, passphrase: passphrase)
    }

    /// Opens an existing client home; `passphrase` opens its key when it is encrypted.
    public init(home path: String, passphrase: Passphrase? = nil) throws {
        home = try RoleHome.open(at: path, role: .client)
        key = try PrivateKeyFile.read(from: home.file(Files.key), passphrase: passphrase)
    }

    /// A license request signed by the client key, for this device or, with `user`, for that user.
    public func request(user: String? = nil) throws -> CertificateSigningRequest {
        let subject: LicenseSubject
        if let user {
            try LicenseSubject.validate(user, as: "--user")
            subject = .user(user)
        } else {
            subject = .device(deviceID)
        }
        return try ClientLicenseRequest.make(for: subject, key: key)
    }

    /// Signs a challenge with the client key, proving possession at logon.
    public func sign(challenge: [UInt8]) throws -> Certificate.Signature {
        try key.sign(bytes: challenge, signatureAlgorithm: try key.calkitSignatureAlgorithm)
    }
}
