import CALCore
internal import CALStore
import Foundation
import X509

/// Key rotation: a new key and a reactivation request while the current key keeps issuing;
/// compromise recovery; retired issuers that keep signing CRLs and OCSP for their licenses.
extension LicenseServer {
    /// What a rotation produced.
    public struct Rotation: Sendable {
        /// The reactivation request to send to the clearinghouse.
        public var requestPath: String
        /// The new key's identifier.
        public var newKeyID: String
        /// Whether the pending key was made by an earlier rotation and reused.
        public var reusedPendingKey: Bool
    }

    /// Starts a rotation: a new key in `pending-key.pem` and a reactivation request in
    /// `activation-request.pem`, signed by the current key over the new one. The current key
    /// keeps issuing until `installCertificate` receives the new certificate.
    ///
    /// With `compromised`, the request says so (the clearinghouse then revokes the current
    /// certificate) and the current key stops signing at once. A rotation already waiting reuses
    /// its key, so the request can be made again (for example with `compromised`).
    public func rotate(keyType: KeyType? = nil, compromised: Bool = false) throws -> Rotation {
        let current = try activeIssuer()
        let pendingPath = home.file(Files.pendingKey)
        let newKey: Certificate.PrivateKey
        let reused = FileManager.default.fileExists(atPath: pendingPath)
        if reused {
            newKey = try PrivateKeyFile.read(from: pendingPath, passphrase: passphrase)
            if let keyType, try KeyType(of: newKey.publicKey) != keyType {
                throw CALError.rotationPending(
                    "a rotation to a \(try KeyType(of: newKey.publicKey).rawValue) key is waiting for its certificate; install it, or ask for the same key type to make its request again"
                )
            }
        } else {
            newKey = try (keyType ?? KeyType(of: current.key.publicKey)).generate()
            try PrivateKeyFile.write(newKey, to: pendingPath, passphrase: passphrase)
        }
        let continuity = try KeyContinuity(from: current.key, to: newKey.publicKey, compromised: compromised)
        let request = try LicenseServerProfile.makeActivationRequest(name: name, serverID: serverID, key: newKey, continuity: continuity)
        let requestPath = home.file(Files.activationRequest)
        try SecureFile.write(Array(request.serializeAsPEM().pemString.utf8) + [0x0A], to: requestPath)
        try records {
            try $0.requestRotation(newKeyID: newKey.publicKey.keyIdentifier, compromisedKeyID: compromised ? current.keyID : nil, now: time.now)
        }
        return Rotation(requestPath: requestPath, newKeyID: newKey.publicKey.keyIdentifier, reusedPendingKey: reused)
    }

    /// Moves the active key and chain to `retired/` (named by the certificate's serial) and the
    /// pending key into their place; returns where the old files went, relative to the home.
    func retireActiveKey(replacingWith pendingPath: String) throws -> RetiredFiles {
        let serial = try chain().first.map { SerialNumbers.hex($0.serialNumber) } ?? (try currentKey()).publicKey.keyIdentifier
        let retired = RetiredFiles(
            keyFile: Files.retired + "/" + serial + "-" + Files.key,
            chainFile: Files.retired + "/" + serial + "-" + Files.chain
        )
        try SecureFile.makeFolder(home.file(Files.retired))
        try SecureFile.move(home.file(Files.key), to: home.file(retired.keyFile))
        try SecureFile.move(home.file(Files.chain), to: home.file(retired.chainFile))
        try SecureFile.move(pendingPath, to: home.file(Files.key))
        return retired
    }

    /// Whether the issuer `keyID` retired (a rotation completed) rather than being declared compromised.
    func retiredMeanwhile(_ keyID: String) -> Bool {
        (try? store.issuer(keyID: keyID))??.status == .retired
    }

    /// Every issuer this server has had, oldest first, with its licenses' count and last expiry.
    func issuers() throws -> [IssuerRecord] { try records { try $0.issuers() } }

    /// The issuer that signs CRLs and OCSP responses for `keyID` (a unique prefix will do; the
    /// active issuer when nil). A compromised issuer signs nothing.
    func signingIssuer(keyID: String?) throws -> Issuer {
        let active = try? activeIssuer()
        let id: String
        if let keyID {
            id = try resolveIssuerKeyID(keyID)
        } else if let active {
            id = active.keyID
        } else {
            throw CALError.notActivated
        }
        if let active, active.keyID == id { return try signingIssuer(active) }
        guard let record = try records({ try $0.issuer(keyID: id) }) else {
            throw CALError.invalidArgument("no issuer has key id \(id); the server's status lists them")
        }
        guard record.status != .compromised else { throw CALError.issuerCompromised }
        let certificate = try PEMBundle.certificateFromDER(record.certificate)
        let key = try PrivateKeyFile.read(from: home.file(record.keyFile), passphrase: passphrase, expected: certificate.publicKey)
        return try Issuer(certificate: certificate, key: key, revocationPointers: revocationPointers)
    }

    /// `issuer` if it may sign revocation information: not declared compromised.
    func signingIssuer(_ issuer: Issuer) throws -> Issuer {
        guard try records({ try $0.issuer(keyID: issuer.keyID) })?.status != .compromised else { throw CALError.issuerCompromised }
        return issuer
    }

    /// The full key id an operator named by a prefix of at least 8 hex digits.
    private func resolveIssuerKeyID(_ text: String) throws -> String {
        let prefix = text.lowercased().filter { $0 != ":" }
        guard prefix.count >= 8, prefix.allSatisfy(\.isHexDigit) else {
            throw CALError.invalidArgument("an issuer is named by its key id (at least 8 hex digits), as the server's status lists it")
        }
        let matches = try issuers().map(\.keyID).filter { $0.hasPrefix(prefix) }
        guard let only = matches.first, matches.count == 1 else {
            throw CALError.invalidArgument(matches.isEmpty ? "no issuer has a key id starting \(prefix)" : "\(prefix) names several issuers; give more digits")
        }
        return only
    }
}
