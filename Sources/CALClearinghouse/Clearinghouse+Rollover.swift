import CALCore
internal import CALStore
import Foundation
import X509

/// Root rollover: a new root, cross-certificates both ways, and retired roots that keep
/// signing their CRLs and the packs of servers still certified under them.
extension Clearinghouse {
    /// What a root rollover produced.
    public struct RootRollover: Sendable {
        /// The clearinghouse, now under the new root.
        public var clearinghouse: Clearinghouse
        /// The new root.
        public var newRoot: Certificate
        /// The previous root, now retired.
        public var previousRoot: Certificate
        /// The new root certified by the previous root's key: for parties that trust the previous root.
        public var newRootByPrevious: Certificate
        /// The previous root certified by the new root's key: for parties that trust the new root.
        public var previousRootByNew: Certificate
        /// Where the two cross-certificates were written (new by previous, previous by new).
        public var crossCertificatePaths: [String]
    }

    /// Rolls the root over: a new root key and self-signed root named "NAME G<n>", a new signing
    /// certificate under it, and the two cross-certificates, written to `cross/`. The previous
    /// root, signer and keys move to `retired/`; they keep signing the previous root's CRL and
    /// the packs and grants of servers whose certificates chain to it. New activations happen
    /// under the new root.
    public func rotate(keyType: KeyType? = nil, years: Int = RootProfile.defaultYears) throws -> RootRollover {
        let now = time.now
        let type = try keyType ?? KeyType(of: active.root.publicKey)
        let generationNumber = try records { try $0.roots() }.count + 1
        let suffix = " G\(generationNumber)"
        // X.520 allows 64 characters in a common name.
        let baseName = String((home.manifest.name ?? "CALKit Clearinghouse").prefix(64 - suffix.count))
        let name = baseName + suffix
        let newKey = try type.generate()
        let newRoot = try RootProfile.makeCertificate(name: name, key: newKey, notBefore: now, years: years)
        let signerKey = try type.cmsSigningKeyType.generate()
        let signer = try SigningCertificateProfile.makeCertificate(rootName: name, key: signerKey, root: newRoot, rootKey: newKey, notBefore: now)
        let newByPrevious = try RootProfile.makeCrossCertificate(for: newRoot, issuer: active.root, issuerKey: active.rootKey, notBefore: now)
        let previousByNew = try RootProfile.makeCrossCertificate(for: active.root, issuer: newRoot, issuerKey: newKey, notBefore: now)

        // Nothing is deleted: the previous generation moves to retired/ under its root's serial.
        let prefix = Files.retired + "/" + SerialNumbers.hex(active.root.serialNumber) + "-"
        try SecureFile.makeFolder(home.file(Files.retired))
        try SecureFile.makeFolder(home.file(Files.cross))
        let crossPaths = [
            home.file(Files.cross + "/g\(generationNumber)-by-g\(generationNumber - 1).pem"),
            home.file(Files.cross + "/g\(generationNumber - 1)-by-g\(generationNumber).pem"),
        ]
        try SecureFile.write(Array(try PEMBundle.pem(of: [newByPrevious]).utf8), to: crossPaths[0], overwrite: false)
        try SecureFile.write(Array(try PEMBundle.pem(of: [previousByNew]).utf8), to: crossPaths[1], overwrite: false)
        for name in [Files.root, Files.rootKey, Files.signer, Files.signerKey] {
            try SecureFile.move(home.file(name), to: home.file(prefix + name))
        }
        try PrivateKeyFile.write(newKey, to: home.file(Files.rootKey), passphrase: passphrase)
        try PrivateKeyFile.write(signerKey, to: home.file(Files.signerKey), passphrase: passphrase)
        try SecureFile.write(Array(try PEMBundle.pem(of: [newRoot]).utf8), to: home.file(Files.root), overwrite: false)
        try SecureFile.write(Array(try PEMBundle.pem(of: [signer]).utf8), to: home.file(Files.signer), overwrite: false)
        let record = RootRecord(keyID: newRoot.publicKey.keyIdentifier, certificate: try newRoot.derBytes(), filePrefix: "", status: .active, activatedAt: now)
        try records { try $0.activateRoot(record, previousPrefix: prefix, now: now) }
        return RootRollover(
            clearinghouse: try Clearinghouse(home: home.path, time: time, passphrase: passphrase),
            newRoot: newRoot,
            previousRoot: active.root,
            newRootByPrevious: newByPrevious,
            previousRootByNew: previousByNew,
            crossCertificatePaths: crossPaths
        )
    }

    /// A value that changes whenever a server certificate is revoked or the root rolls over: a
    /// published root CRL stays current while it is the same.
    public func revocationStamp() throws -> String { try records { try $0.revocationStamp() } }

    /// Every root, oldest first, with how many server certificates each issued.
    public func roots() throws -> [RootStatus] { try records { try $0.roots() }.map(RootStatus.init) }

    /// The generation of the root with this key id (a unique prefix of 8 or more hex digits will do).
    func generation(keyID text: String) throws -> RootGeneration {
        let prefix = text.lowercased().filter { $0 != ":" }
        guard prefix.count >= 8, prefix.allSatisfy(\.isHexDigit) else {
            throw CALError.invalidArgument("a root is named by its key id (at least 8 hex digits), as the root rotation printed it")
        }
        let matches = try records { try $0.roots() }.filter { $0.keyID.hasPrefix(prefix) }
        guard let record = matches.first, matches.count == 1 else {
            throw CALError.invalidArgument(matches.isEmpty ? "no root has a key id starting \(prefix)" : "\(prefix) names several roots; give more digits")
        }
        if record.keyID == active.keyID { return active }
        return try RootGeneration.load(from: home, prefix: record.filePrefix, passphrase: passphrase)
    }

    /// The generation whose root signed `certificate` (a license-server certificate).
    func generation(issuing certificate: Certificate) throws -> RootGeneration {
        let notIssued = CALError.chainDoesNotVerify("the license-server certificate was not issued by this clearinghouse")
        if certificate.issuer == active.root.subject {
            guard active.root.publicKey.isValidSignature(certificate.signature, for: certificate) else { throw notIssued }
            return active
        }
        for record in try records({ try $0.roots() }) where record.status == .retired {
            guard let root = try? PEMBundle.certificateFromDER(record.certificate), certificate.issuer == root.subject,
                root.publicKey.isValidSignature(certificate.signature, for: certificate)
            else { continue }
            return try RootGeneration.load(from: home, prefix: record.filePrefix, passphrase: passphrase)
        }
        throw notIssued
    }
}
