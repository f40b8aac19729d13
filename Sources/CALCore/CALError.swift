/// Why a CALKit operation failed.
///
/// Each case has a stable ``code`` that scripts and `--json` output may branch on, and a
/// ``description`` for people. Codes never change meaning once published.
public enum CALError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A file the command needs does not exist.
    case fileNotFound(path: String)
    /// A file exists but could not be read or written.
    case fileAccess(path: String, reason: String)
    /// The bytes are not a well-formed object of the kind expected.
    case malformed(what: String, reason: String)
    /// The file holds a different kind of object than the command reads.
    case wrongKind(path: String, expected: String, found: String)
    /// A role was asked to initialise a home folder that already holds one.
    case alreadyInitialized(home: String)
    /// The home folder does not hold the role the command needs.
    case notInitialized(home: String, role: String)
    /// A command-line value is out of range or inconsistent.
    case invalidArgument(String)
    /// The key type or key algorithm is not one CALKit supports.
    case unsupportedKey(String)
    /// A certificate signing request's signature does not verify with the key it carries.
    case requestSignatureInvalid
    /// A request is well formed and signed but does not follow the profile the command needs.
    case requestNotAcceptable(String)
    /// The clearinghouse already activated this license-server id.
    case alreadyActivated(serverID: String)
    /// The license server has not installed its certificate yet.
    case notActivated
    /// A certificate does not certify the key it is meant to certify.
    case certificateKeyMismatch(String)
    /// A certificate chain does not verify up to its trust anchor.
    case chainDoesNotVerify(String)
    /// A key pack's signature, signer or content is not valid.
    case packSignatureInvalid(String)
    /// A key pack is bound to a different license server.
    case packNotForThisServer(packServerID: String, thisServerID: String)
    /// A key pack was installed before; installing it again changes nothing.
    case packAlreadyInstalled(packID: String)
    /// No installed pack of this product and type has a free seat.
    case noSeatAvailable(product: String)
    /// No installed pack matches the product and license type asked for.
    case noPackForProduct(product: String, type: String)
    /// Several products are installed and the command did not say which one.
    case productAmbiguous([String])
    /// A license certifies a key other than this client's.
    case licenseNotForThisClient(String)
    /// A transfer grant's signature, signer or content is not valid.
    case grantSignatureInvalid(String)
    /// A transfer grant is for another license server.
    case grantNotForThisServer(grantServerID: String, thisServerID: String)
    /// A transfer grant was used before.
    case grantAlreadyUsed(grantID: String)
    /// The seat was transferred before; the licence terms allow one transfer.
    case seatAlreadyTransferred(keyPackID: String, seat: Int)
    /// The license cannot be transferred (not a permanent per-device CAL of an activated server, say).
    case notTransferable(String)
    /// Strict per-user licensing: as many users hold a per-user license as were purchased.
    case perUserLimitReached(product: String, purchased: Int)
    /// The license cannot be renewed now (the detail says why).
    case notRenewable(String)
    /// No license with this serial number was issued by this server.
    case unknownSerial(String)
    /// The certificate was revoked before.
    case alreadyRevoked(String)
    /// Administrative revocations of this product version reached the quota.
    case revocationQuotaExceeded(product: String, productVersion: String, limit: Int)
    /// The store could not complete an operation.
    case storage(String)
    /// The key file is encrypted and no passphrase was given.
    case passphraseRequired(path: String)
    /// The passphrase does not open the key file.
    case wrongPassphrase(String)
    /// A reactivation (re-key) request cannot be accepted (the detail says why).
    case reactivationRefused(String)
    /// The license server's key was declared compromised and its new certificate is not installed yet.
    case issuerCompromised
    /// A key rotation is already waiting for its certificate.
    case rotationPending(String)
    /// An audit-log entry was altered, removed or reordered after it was written.
    case auditChainBroken(sequence: Int64, reason: String)
    /// A CALKit service gave no answer: refused, timed out, or its TLS certificate is not trusted.
    case serviceUnreachable(url: String, reason: String)
    /// A request to move a license onto a key does not prove possession of the licensed key.
    case noProofOfPossession(String)
    /// A first activation over the network came without a one-time activation code.
    case activationCodeRequired
    /// The activation code is unknown, was used before, or has expired.
    case activationCodeInvalid

    /// The stable, machine-readable code of this error.
    public var code: String {
        switch self {
        case .fileNotFound: return "file-not-found"
        case .fileAccess: return "file-access"
        case .malformed: return "malformed"
        case .wrongKind: return "wrong-kind"
        case .alreadyInitialized: return "already-initialized"
        case .notInitialized: return "not-initialized"
        case .invalidArgument: return "invalid-argument"
        case .unsupportedKey: return "unsupported-key"
        case .requestSignatureInvalid: return "bad-request-signature"
        case .requestNotAcceptable: return "request-not-acceptable"
        case .alreadyActivated: return "already-activated"
        case .notActivated: return "not-activated"
        case .certificateKeyMismatch: return "key-mismatch"
        case .chainDoesNotVerify: return "chain-does-not-verify"
        case .packSignatureInvalid: return "bad-pack-signature"
        case .packNotForThisServer: return "pack-not-for-this-server"
        case .packAlreadyInstalled: return "pack-already-installed"
        case .noSeatAvailable: return "no-seat-available"
        case .noPackForProduct: return "no-pack-for-product"
        case .productAmbiguous: return "product-ambiguous"
        case .licenseNotForThisClient: return "not-for-this-client"
        case .grantSignatureInvalid: return "bad-grant-signature"
        case .grantNotForThisServer: return "grant-not-for-this-server"
        case .grantAlreadyUsed: return "grant-already-used"
        case .seatAlreadyTransferred: return "seat-already-transferred"
        case .notTransferable: return "not-transferable"
        case .perUserLimitReached: return "per-user-limit-reached"
        case .notRenewable: return "not-renewable"
        case .unknownSerial: return "unknown-serial"
        case .alreadyRevoked: return "already-revoked"
        case .revocationQuotaExceeded: return "revocation-quota-exceeded"
        case .storage: return "storage"
        case .passphraseRequired: return "passphrase-required"
        case .wrongPassphrase: return "wrong-passphrase"
        case .auditChainBroken: return "audit-chain-broken"
        case .reactivationRefused: return "reactivation-refused"
        case .issuerCompromised: return "issuer-compromised"
        case .rotationPending: return "rotation-pending"
        case .serviceUnreachable: return "service-unreachable"
        case .noProofOfPossession: return "no-proof-of-possession"
        case .activationCodeRequired: return "activation-code-required"
        case .activationCodeInvalid: return "activation-code-invalid"
        }
    }

    /// A sentence for people; never parsed.
    public var description: String {
        switch self {
        case .fileNotFound(let path): return "no such file: \(path)"
        case .fileAccess(let path, let reason): return "cannot access \(path): \(reason)"
        case .malformed(let what, let reason): return "\(what) is malformed: \(reason)"
        case .wrongKind(let path, let expected, let found):
            return "\(path) holds \(found), but this command reads \(expected)"
        case .alreadyInitialized(let home): return "\(home) already holds a CALKit role; choose an empty folder"
        case .notInitialized(let home, let role):
            return "\(home) does not hold a \(role); run `calkit \(role) init --home \(home)` first"
        case .invalidArgument(let text): return text
        case .unsupportedKey(let text): return "unsupported key: \(text)"
        case .requestSignatureInvalid: return "the request's signature does not verify with the key it carries"
        case .requestNotAcceptable(let text): return "the request is not acceptable: \(text)"
        case .alreadyActivated(let id):
            return "license server \(id) is already activated; a second activation needs a key rotation"
        case .notActivated:
            return "this license server is not activated; install its certificate with `calkit server install-certificate`"
        case .certificateKeyMismatch(let text): return text
        case .chainDoesNotVerify(let text): return "the chain does not verify: \(text)"
        case .packSignatureInvalid(let text): return "the key pack is not validly signed: \(text)"
        case .packNotForThisServer(let packServerID, let thisServerID):
            return "the key pack is bound to license server \(packServerID), not to this server (\(thisServerID))"
        case .packAlreadyInstalled(let packID): return "key pack \(packID) is already installed; nothing changed"
        case .noSeatAvailable(let product):
            return "no per-device CAL of \(product) is free; install another key pack. Nothing was issued"
        case .noPackForProduct(let product, let type): return "no \(type) key pack of \(product) is installed"
        case .productAmbiguous(let products):
            return "several products are installed (\(products.joined(separator: ", "))); choose one with --product"
        case .licenseNotForThisClient(let text): return "the license is not for this client: \(text)"
        case .grantSignatureInvalid(let text): return "the transfer grant is not validly signed: \(text)"
        case .grantNotForThisServer(let grantServerID, let thisServerID):
            return "the transfer grant is for license server \(grantServerID), not for this server (\(thisServerID))"
        case .grantAlreadyUsed(let grantID): return "transfer grant \(grantID) was used before; nothing changed"
        case .seatAlreadyTransferred(let pack, let seat):
            return "seat \(seat) of key pack \(pack) was transferred before; the licence allows one transfer"
        case .notTransferable(let text): return "the license cannot be transferred: \(text)"
        case .perUserLimitReached(let product, let purchased):
            return "all \(purchased) purchased per-user CALs of \(product) are in use and per-user licensing is enforced"
        case .notRenewable(let text): return "the license cannot be renewed: \(text)"
        case .unknownSerial(let serial): return "no license with serial \(serial) was issued by this server"
        case .alreadyRevoked(let serial): return "\(serial) is already revoked; nothing changed"
        case .revocationQuotaExceeded(let product, let version, let limit):
            return "the revocation quota of \(product) \(version) is reached: at most \(limit) unexpired per-device CALs may be revoked administratively at a time"
        case .storage(let text): return "store error: \(text)"
        case .serviceUnreachable(let url, let reason): return "cannot reach \(url): \(reason)"
        case .noProofOfPossession(let text): return "no proof of possession of the licensed key: \(text)"
        case .activationCodeRequired:
            return "activating a license server over the network needs a one-time activation code from the clearinghouse operator"
        case .activationCodeInvalid: return "the activation code is unknown, was used before, or has expired"
        case .passphraseRequired(let path):
            return "\(path) is encrypted; give its passphrase with --passphrase-file FILE or the CALKIT_PASSPHRASE environment variable"
        case .wrongPassphrase(let path): return "the passphrase does not open \(path)"
        case .reactivationRefused(let text): return "the reactivation request is refused: \(text)"
        case .issuerCompromised:
            return "this server's key was declared compromised; it signs nothing until the certificate for its new key is installed (`calkit server install-certificate`)"
        case .rotationPending(let text): return text
        case .auditChainBroken(let sequence, let reason):
            return "the audit log is broken at entry \(sequence): \(reason); it was changed after it was written"
        }
    }
}
