import Foundation

/// The common errors, by name, each with its code and its sentence in one place so that every
/// role words the same failure the same way.
extension CALError {
    /// A file the operation needs does not exist.
    public static func fileNotFound(path: String) -> CALError {
        CALError(.fileNotFound, "no such file: \(path)", context: ["path": path])
    }

    /// A file exists but could not be read or written.
    public static func fileAccess(path: String, reason: String) -> CALError {
        CALError(.fileAccess, "cannot access \(path): \(reason)", context: ["path": path])
    }

    /// The bytes are not a well-formed object of the kind expected.
    public static func malformed(what: String, reason: String) -> CALError {
        CALError(.malformed, "\(what) is malformed: \(reason)")
    }

    /// The file holds a different kind of object than the operation reads.
    public static func wrongKind(path: String, expected: String, found: String) -> CALError {
        CALError(.wrongKind, "\(path) holds \(found), where \(expected) was expected", context: ["path": path])
    }

    /// A role was asked to initialise a home folder that already holds one.
    public static func alreadyInitialized(home: String) -> CALError {
        CALError(.alreadyInitialized, "\(home) already holds a CALKit role; choose an empty folder", context: ["home": home])
    }

    /// The home folder does not hold the role the operation needs.
    public static func notInitialized(home: String, role: String) -> CALError {
        CALError(.notInitialized, "\(home) does not hold a \(role)", context: ["home": home, "role": role])
    }

    /// A value is out of range or inconsistent with another.
    public static func invalidArgument(_ text: String) -> CALError { CALError(.invalidArgument, text) }

    /// The key type or key algorithm is not one CALKit supports.
    public static func unsupportedKey(_ text: String) -> CALError { CALError(.unsupportedKey, "unsupported key: \(text)") }

    /// The key file is encrypted and no passphrase was given.
    public static func passphraseRequired(path: String) -> CALError {
        CALError(.passphraseRequired, "\(path) is encrypted and no passphrase was given", context: ["path": path])
    }

    /// The passphrase does not open the key file.
    public static func wrongPassphrase(_ path: String) -> CALError {
        CALError(.wrongPassphrase, "the passphrase does not open \(path)", context: ["path": path])
    }

    /// The key file at `path` opens, but to a key other than the one it must hold: the file was altered.
    public static func corruptKey(_ path: String, reason: String) -> CALError {
        CALError(.corruptKey, "\(path) is damaged or was altered: \(reason)", context: ["path": path])
    }

    /// A file holding a secret can be read by users other than its owner.
    public static func insecurePermissions(path: String, mode: UInt32) -> CALError {
        CALError(
            .insecurePermissions,
            "\(path) holds a secret but other users may access it (mode \(String(mode & 0o777, radix: 8))); it must be readable by its owner only",
            context: ["path": path]
        )
    }

    /// The store could not complete an operation.
    public static func storage(_ text: String) -> CALError { CALError(.storage, "store error: \(text)") }

    /// An audit-log entry was altered, removed or reordered after it was written.
    public static func auditChainBroken(sequence: Int64, reason: String) -> CALError {
        CALError(.auditChainBroken, "the audit log is broken at entry \(sequence): \(reason); it was changed after it was written")
    }

    /// A certificate signing request's signature does not verify with the key it carries.
    public static var requestSignatureInvalid: CALError {
        CALError(.requestSignatureInvalid, "the request's signature does not verify with the key it carries")
    }

    /// A request is well formed and signed but does not follow the profile the operation needs.
    public static func requestNotAcceptable(_ text: String) -> CALError {
        CALError(.requestNotAcceptable, "the request is not acceptable: \(text)")
    }

    /// The clearinghouse already activated this license-server id.
    public static func alreadyActivated(serverID: String) -> CALError {
        CALError(.alreadyActivated, "license server \(serverID) is already activated; a second activation needs a key rotation")
    }

    /// The license server has not installed its certificate yet.
    public static var notActivated: CALError {
        CALError(.notActivated, "this license server is not activated: the certificate the clearinghouse issued it is not installed")
    }

    /// A certificate does not certify the key it is meant to certify.
    public static func certificateKeyMismatch(_ text: String) -> CALError { CALError(.certificateKeyMismatch, text) }

    /// A certificate chain does not verify up to its trust anchor.
    public static func chainDoesNotVerify(_ text: String) -> CALError {
        CALError(.chainDoesNotVerify, "the chain does not verify: \(text)")
    }

    /// A reactivation (re-key) request cannot be accepted.
    public static func reactivationRefused(_ text: String) -> CALError {
        CALError(.reactivationRefused, "the reactivation request is refused: \(text)")
    }

    /// The license server's key was declared compromised and its new certificate is not installed yet.
    public static var issuerCompromised: CALError {
        CALError(.issuerCompromised, "this server's key was declared compromised; it signs nothing until the certificate for its new key is installed")
    }

    /// A key rotation is already waiting for its certificate.
    public static func rotationPending(_ text: String) -> CALError { CALError(.rotationPending, text) }

    /// A first activation over the network came without a one-time activation code.
    public static var activationCodeRequired: CALError {
        CALError(.activationCodeRequired, "activating a license server over the network needs a one-time activation code from the clearinghouse operator")
    }

    /// The activation code is unknown, was used before, or has expired.
    public static var activationCodeInvalid: CALError {
        CALError(.activationCodeInvalid, "the activation code is unknown, was used before, or has expired")
    }

    /// The key pack code is unknown, was used before, or has expired.
    public static var packCodeInvalid: CALError {
        CALError(.packCodeInvalid, "the key pack code is unknown, was used before, or has expired")
    }

    /// A code read out by telephone does not check; `text` says which group or what is wrong.
    public static func telephoneCodeInvalid(_ text: String) -> CALError { CALError(.telephoneCodeInvalid, text) }

    /// A key pack's signature, signer or content is not valid.
    public static func packSignatureInvalid(_ text: String) -> CALError {
        CALError(.packSignatureInvalid, "the key pack is not validly signed: \(text)")
    }

    /// A key pack is bound to a different license server.
    public static func packNotForThisServer(packServerID: String, thisServerID: String) -> CALError {
        CALError(.packNotForThisServer, "the key pack is bound to license server \(packServerID), not to this server (\(thisServerID))")
    }

    /// A key pack was installed before; installing it again changes nothing.
    public static func packAlreadyInstalled(packID: String) -> CALError {
        CALError(.packAlreadyInstalled, "key pack \(packID) is already installed; nothing changed")
    }

    /// A key pack issued before this ledger was created: a ledger that was lost and rebuilt, or
    /// a copied home without its database, would otherwise install the same seats twice.
    public static func packPredatesLedger(packID: String, issuedAt: Date, ledgerCreatedAt: Date) -> CALError {
        CALError(
            .packPredatesLedger,
            "key pack \(packID) was issued at \(issuedAt.formatted(.iso8601)), before this server's ledger was created "
                + "(\(ledgerCreatedAt.formatted(.iso8601))): a rebuilt or copied ledger does not get packs back by itself; "
                + "restore a backup of the ledger, or ask the clearinghouse to reissue the pack"
        )
    }

    /// No installed pack of this product and type has a free seat.
    public static func noSeatAvailable(product: String) -> CALError {
        CALError(.noSeatAvailable, "no per-device CAL of \(product) is free; install another key pack. Nothing was issued")
    }

    /// No installed pack matches the product and license type asked for.
    public static func noPackForProduct(product: String, type: String) -> CALError {
        CALError(.noPackForProduct, "no \(type) key pack of \(product) is installed")
    }

    /// Several products are installed and the operation did not say which one.
    public static func productAmbiguous(_ products: [String]) -> CALError {
        CALError(.productAmbiguous, "several products are installed (\(products.joined(separator: ", "))); the product must be named")
    }

    /// Strict per-user licensing: as many users hold a per-user license as were purchased.
    public static func perUserLimitReached(product: String, purchased: Int) -> CALError {
        CALError(.perUserLimitReached, "all \(purchased) purchased per-user CALs of \(product) are in use and per-user licensing is enforced")
    }

    /// A transfer grant's signature, signer or content is not valid.
    public static func grantSignatureInvalid(_ text: String) -> CALError {
        CALError(.grantSignatureInvalid, "the transfer grant is not validly signed: \(text)")
    }

    /// A transfer grant is for another license server.
    public static func grantNotForThisServer(grantServerID: String, thisServerID: String) -> CALError {
        CALError(.grantNotForThisServer, "the transfer grant is for license server \(grantServerID), not for this server (\(thisServerID))")
    }

    /// A transfer grant was used before.
    public static func grantAlreadyUsed(grantID: String) -> CALError {
        CALError(.grantAlreadyUsed, "transfer grant \(grantID) was used before; nothing changed")
    }

    /// The seat was transferred before; the licence terms allow one transfer.
    public static func seatAlreadyTransferred(keyPackID: String, seat: Int) -> CALError {
        CALError(.seatAlreadyTransferred, "seat \(seat) of key pack \(keyPackID) was transferred before; the licence allows one transfer")
    }

    /// The license cannot be transferred.
    public static func notTransferable(_ text: String) -> CALError {
        CALError(.notTransferable, "the license cannot be transferred: \(text)")
    }

    /// The license cannot be renewed now.
    public static func notRenewable(_ text: String) -> CALError {
        CALError(.notRenewable, "the license cannot be renewed: \(text)")
    }

    /// No license with this serial number was issued by this server.
    public static func unknownSerial(_ serial: String) -> CALError {
        CALError(.unknownSerial, "no license with serial \(serial) was issued by this server", context: ["serial": serial])
    }

    /// The certificate was revoked before.
    public static func alreadyRevoked(_ serial: String) -> CALError {
        CALError(.alreadyRevoked, "\(serial) is already revoked; nothing changed", context: ["serial": serial])
    }

    /// Administrative revocations of this product version reached the quota.
    public static func revocationQuotaExceeded(product: String, productVersion: String, limit: Int) -> CALError {
        CALError(
            .revocationQuotaExceeded,
            "the revocation quota of \(product) \(productVersion) is reached: at most \(limit) unexpired per-device CALs may be revoked administratively at a time"
        )
    }

    /// A request to move a license onto a key does not prove possession of the licensed key.
    public static func noProofOfPossession(_ text: String) -> CALError {
        CALError(.noProofOfPossession, "no proof of possession of the licensed key: \(text)")
    }

    /// A license certifies a key other than this client's.
    public static func licenseNotForThisClient(_ text: String) -> CALError {
        CALError(.licenseNotForThisClient, "the license is not for this client: \(text)")
    }

    /// A CALKit service gave no answer: refused, timed out, or its TLS certificate is not trusted.
    public static func serviceUnreachable(url: String, reason: String) -> CALError {
        CALError(.serviceUnreachable, "cannot reach \(url): \(reason)", context: ["url": url, "reason": reason])
    }
}
