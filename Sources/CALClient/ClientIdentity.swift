import CALCore
import CALLicensing
import Foundation
import SwiftASN1
import X509

/// A client: its key pair, its device id, and its local license store.
public struct ClientIdentity: Sendable {
    /// The file names inside a client home.
    public enum Files {
        /// The client's private key (0600).
        public static let key = "client-key.pem"
        /// The client's public key, kept to check the private key against when it is read
        /// (PBES2 has no integrity check; an Ed25519 key file stores no public key of its own).
        public static let publicKey = "client-public-key.pem"
        /// The folder of stored licenses.
        public static let licenses = "licenses"
        /// After a re-key: the previous key's signature over the current one (DER `KeyContinuity`).
        public static let continuity = "key-continuity.der"
        /// The folder a re-key moves the previous key and its licenses to; never deleted.
        public static let retired = "retired"
        /// The latest time the client has seen (seconds since 1970): its high-water mark.
        public static let latestTime = "latest-time"
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
    private let passphrase: Passphrase?

    /// Creates a client in a new home with a new key and a device id (default: this machine's).
    public static func create(
        at path: String,
        deviceID: String? = nil,
        keyType: KeyType = .p256,
        passphrase: Passphrase? = nil
    ) throws -> ClientIdentity {
        let id = deviceID ?? DeviceID.ofThisMachine()
        try LicenseSubject.validate(id, as: "the device id")
        let key = try keyType.generate()
        let home = try RoleHome.create(at: path, manifest: .init(role: .client, id: id, keyType: keyType))
        try PrivateKeyFile.write(key, to: home.file(Files.key), passphrase: passphrase)
        try writePublicKey(key.publicKey, in: home)
        try SecureFile.makeFolder(home.file(Files.licenses))
        return try ClientIdentity(home: path, passphrase: passphrase)
    }

    /// Opens an existing client home; `passphrase` opens its key when it is encrypted.
    public init(home path: String, passphrase: Passphrase? = nil) throws {
        home = try RoleHome.open(at: path, role: .client)
        key = try PrivateKeyFile.read(from: home.file(Files.key), passphrase: passphrase, expected: try Self.recordedPublicKey(in: home))
        self.passphrase = passphrase
    }

    /// A license request signed by the client key, for this device or, with `user`, for that user.
    public func request(user: String? = nil) throws -> CertificateSigningRequest {
        let subject: LicenseSubject
        if let user {
            try LicenseSubject.validate(user, as: "the user name")
            subject = .user(user)
        } else {
            subject = .device(deviceID)
        }
        return try ClientLicenseRequest.make(for: subject, key: key, continuity: try continuity())
    }

    /// The continuity from the previous key to this one, if the client re-keyed and it holds.
    private func continuity() throws -> KeyContinuity? {
        let path = home.file(Files.continuity)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let continuity: KeyContinuity
        do {
            continuity = try KeyContinuity(derEncoded: try SecureFile.read(path))
        } catch {
            throw CALError.malformed(what: path, reason: CALError.reason(describing: error))
        }
        return continuity.isValid(for: key.publicKey) ? continuity : nil
    }

    /// Replaces the client's key: the previous key and the licenses for it move to `retired/`,
    /// and the previous key's signature over the new one is kept, so the next logon gets the
    /// client's license for the new key on the same seat. Returns the new identity.
    public func rotate(keyType: KeyType? = nil) throws -> ClientIdentity {
        let newKey = try (keyType ?? KeyType(of: key.publicKey)).generate()
        let continuity = try KeyContinuity(from: key, to: newKey.publicKey, compromised: false)
        var serializer = DER.Serializer()
        try serializer.serialize(continuity)
        let oldID = key.publicKey.keyIdentifier
        let pending = home.file("pending-" + Files.key)
        try PrivateKeyFile.write(newKey, to: pending, passphrase: passphrase)
        try SecureFile.makeFolder(home.file(Files.retired))
        let retiredLicenses = home.file(Files.retired + "/" + oldID + "-licenses")
        try SecureFile.makeFolder(retiredLicenses)
        for case .success(let entry) in try store.entries() where entry.license.publicKey == key.publicKey {
            try SecureFile.move(entry.path, to: retiredLicenses + "/" + URL(fileURLWithPath: entry.path).lastPathComponent)
        }
        try SecureFile.move(home.file(Files.key), to: home.file(Files.retired + "/" + oldID + "-" + Files.key))
        try SecureFile.move(pending, to: home.file(Files.key))
        try Self.writePublicKey(newKey.publicKey, in: home)
        try SecureFile.write(serializer.serializedBytes, to: home.file(Files.continuity))
        return try ClientIdentity(home: home.path, passphrase: passphrase)
    }

    /// Records the client's public key beside its private key.
    private static func writePublicKey(_ publicKey: Certificate.PublicKey, in home: RoleHome) throws {
        try SecureFile.write(Array(try publicKey.serializeAsPEM().pemString.utf8) + [0x0A], to: home.file(Files.publicKey))
    }

    /// The public key recorded beside the private key; nil in a home made before it was recorded.
    private static func recordedPublicKey(in home: RoleHome) throws -> Certificate.PublicKey? {
        let path = home.file(Files.publicKey)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try Certificate.PublicKey(pemEncoded: try SecureFile.readText(path))
        } catch let error as CALError {
            throw error
        } catch {
            throw CALError.malformed(what: path, reason: CALError.reason(describing: error))
        }
    }

    /// Notes that the clock said `now`: refuses it with ``CALError/Code/clockWentBackwards`` when
    /// it lies before the latest time this client has seen (a clock turned back would make its
    /// expired licenses look valid again), and otherwise moves the mark forward.
    public func observe(_ now: Date) throws {
        let path = home.file(Files.latestTime)
        let latest = FileManager.default.fileExists(atPath: path)
            ? try Double(SecureFile.readText(path).trimmingCharacters(in: .whitespacesAndNewlines)).map(Date.init(timeIntervalSince1970:))
            : nil
        try ForwardClock.check(now, after: latest)
        if latest.map({ now > $0 }) ?? true {
            try SecureFile.write(Array("\(now.timeIntervalSince1970)\n".utf8), to: path, mode: 0o600)
        }
    }

    /// Signs a challenge with the client key, proving possession at logon.
    public func sign(challenge: [UInt8]) throws -> Certificate.Signature {
        try key.sign(bytes: challenge, signatureAlgorithm: try key.calkitSignatureAlgorithm)
    }
}
