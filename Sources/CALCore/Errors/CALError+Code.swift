extension CALError {
    /// A stable reason code: its ``rawValue`` is what scripts, hosts and HTTP clients see
    /// (`no-seat-available`, `revoked`, ...).
    ///
    /// A struct rather than an enum, as in swift-certificates, so that a new code is not a
    /// breaking change for code that switches over codes; ``allCases`` lists every code.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        private var backing: Backing

        private init(_ backing: Backing) { self.backing = backing }

        /// The code for `rawValue`, or nil when CALKit publishes no such code.
        public init?(rawValue: String) {
            guard let backing = Backing(rawValue: rawValue) else { return nil }
            self.backing = backing
        }

        /// The published text of the code.
        public var rawValue: String { backing.rawValue }
        public var description: String { backing.rawValue }

        /// Every published code.
        public static var allCases: [Code] { Backing.allCases.map(Code.init) }

        // MARK: Files, homes and arguments
        /// A file the operation needs does not exist.
        public static let fileNotFound = Code(.fileNotFound)
        /// A file exists but could not be read or written.
        public static let fileAccess = Code(.fileAccess)
        /// The bytes are not a well-formed object of the kind expected.
        public static let malformed = Code(.malformed)
        /// The file holds a different kind of object than the operation reads.
        public static let wrongKind = Code(.wrongKind)
        /// A role was asked to initialise a home folder that already holds one.
        public static let alreadyInitialized = Code(.alreadyInitialized)
        /// The home folder does not hold the role the operation needs.
        public static let notInitialized = Code(.notInitialized)
        /// A value is out of range or inconsistent with another.
        public static let invalidArgument = Code(.invalidArgument)
        /// The key type or key algorithm is not one CALKit supports.
        public static let unsupportedKey = Code(.unsupportedKey)
        /// The key file is encrypted and no passphrase was given.
        public static let passphraseRequired = Code(.passphraseRequired)
        /// The passphrase does not open the key file.
        public static let wrongPassphrase = Code(.wrongPassphrase)
        /// A key file was altered: it opens, but to a key other than the one it must hold.
        public static let corruptKey = Code(.corruptKey)
        /// A secret (a passphrase or a token) sits in a file that other users may read.
        public static let insecurePermissions = Code(.insecurePermissions)
        /// A state change is dated before the latest one the home has recorded: the clock was turned back.
        public static let clockWentBackwards = Code(.clockWentBackwards)
        /// The home is in use by a service (or being restored) and cannot be changed this way now.
        public static let homeInUse = Code(.homeInUse)
        /// The store could not complete an operation.
        public static let storage = Code(.storage)
        /// An audit-log entry was altered, removed or reordered after it was written.
        public static let auditChainBroken = Code(.auditChainBroken)

        // MARK: Requests, activation and rotation
        /// A certificate signing request's signature does not verify with the key it carries.
        public static let requestSignatureInvalid = Code(.requestSignatureInvalid)
        /// A request is well formed and signed but does not follow the profile the operation needs.
        public static let requestNotAcceptable = Code(.requestNotAcceptable)
        /// The clearinghouse already activated this license-server id.
        public static let alreadyActivated = Code(.alreadyActivated)
        /// The license server has not installed its certificate yet.
        public static let notActivated = Code(.notActivated)
        /// A certificate does not certify the key it is meant to certify.
        public static let certificateKeyMismatch = Code(.certificateKeyMismatch)
        /// A certificate chain does not verify up to its trust anchor.
        public static let chainDoesNotVerify = Code(.chainDoesNotVerify)
        /// A reactivation (re-key) request cannot be accepted.
        public static let reactivationRefused = Code(.reactivationRefused)
        /// The license server's key was declared compromised and its new certificate is not installed yet.
        public static let issuerCompromised = Code(.issuerCompromised)
        /// The issuer that signed a license is no longer the active one (retired or compromised meanwhile).
        public static let issuerNotActive = Code(.issuerNotActive)
        /// A key rotation is already waiting for its certificate.
        public static let rotationPending = Code(.rotationPending)
        /// A first activation over the network came without a one-time activation code.
        public static let activationCodeRequired = Code(.activationCodeRequired)
        /// The activation code is unknown, was used before, or has expired.
        public static let activationCodeInvalid = Code(.activationCodeInvalid)
        /// A key pack code is unknown, was used before, or has expired.
        public static let packCodeInvalid = Code(.packCodeInvalid)
        /// A code read out by telephone does not check: a group was mistyped, left out, or is of another exchange.
        public static let telephoneCodeInvalid = Code(.telephoneCodeInvalid)

        // MARK: Key packs, seats and transfers
        /// A key pack's signature, signer or content is not valid.
        public static let packSignatureInvalid = Code(.packSignatureInvalid)
        /// A key pack is bound to a different license server.
        public static let packNotForThisServer = Code(.packNotForThisServer)
        /// A key pack was installed before; installing it again changes nothing.
        public static let packAlreadyInstalled = Code(.packAlreadyInstalled)
        /// The key pack was issued before this server's ledger was created: a ledger rebuilt
        /// or copied does not get its packs back without the clearinghouse.
        public static let packPredatesLedger = Code(.packPredatesLedger)
        /// The clearinghouse has reissued this key pack as often as it allows.
        public static let packReissueLimitReached = Code(.packReissueLimitReached)
        /// No installed pack of this product and type has a free seat.
        public static let noSeatAvailable = Code(.noSeatAvailable)
        /// No installed pack matches the product and license type asked for.
        public static let noPackForProduct = Code(.noPackForProduct)
        /// Several products are installed and the operation did not say which one.
        public static let productAmbiguous = Code(.productAmbiguous)
        /// Strict per-user licensing: as many users hold a per-user license as were purchased.
        public static let perUserLimitReached = Code(.perUserLimitReached)
        /// A transfer grant's signature, signer or content is not valid.
        public static let grantSignatureInvalid = Code(.grantSignatureInvalid)
        /// A transfer grant is for another license server.
        public static let grantNotForThisServer = Code(.grantNotForThisServer)
        /// A transfer grant was used before.
        public static let grantAlreadyUsed = Code(.grantAlreadyUsed)
        /// The seat was transferred before; the licence terms allow one transfer.
        public static let seatAlreadyTransferred = Code(.seatAlreadyTransferred)
        /// The license cannot be transferred (superseded, expired, revoked, or not a permanent per-device CAL).
        public static let notTransferable = Code(.notTransferable)
        /// The license cannot be renewed now.
        public static let notRenewable = Code(.notRenewable)
        /// No license with this serial number was issued by this server.
        public static let unknownSerial = Code(.unknownSerial)
        /// The certificate was revoked before.
        public static let alreadyRevoked = Code(.alreadyRevoked)
        /// Administrative revocations of this product version reached the quota.
        public static let revocationQuotaExceeded = Code(.revocationQuotaExceeded)
        /// A request to move a license onto a key does not prove possession of the licensed key.
        public static let noProofOfPossession = Code(.noProofOfPossession)
        /// A license certifies a key other than this client's.
        public static let licenseNotForThisClient = Code(.licenseNotForThisClient)

        // MARK: A license server's refusals at logon
        /// No license is free and the client holds none that still stands.
        public static let noLicenseAvailable = Code(.noLicenseAvailable)
        /// This device already received its one temporary license.
        public static let temporaryAlreadyIssued = Code(.temporaryAlreadyIssued)
        /// The request is not acceptable (bad signature, wrong kind of request).
        public static let badRequest = Code(.badRequest)
        /// The device already holds a standing permanent CAL of the product, for another key.
        public static let alreadyLicensed = Code(.alreadyLicensed)
        /// The presented license names this server but is not one it issued (forged or altered).
        public static let untrustedLicense = Code(.untrustedLicense)
        /// A session host's license server could not be reached and the grace period is over.
        public static let licenseServerUnreachable = Code(.licenseServerUnreachable)
        /// A session host is bound to no license server and its grace period is over.
        public static let noLicenseServer = Code(.noLicenseServer)

        // MARK: A verifier's rejections of a license
        /// A signature in the chain does not verify.
        public static let badSignature = Code(.badSignature)
        /// The chain does not lead to a trusted clearinghouse root.
        public static let untrustedRoot = Code(.untrustedRoot)
        /// The license, or a certificate above it, has expired at the time checked.
        public static let expired = Code(.expired)
        /// The license, or a certificate above it, is not yet valid at the time checked.
        public static let notYetValid = Code(.notYetValid)
        /// The license names another device.
        public static let wrongDevice = Code(.wrongDevice)
        /// The license names another user.
        public static let wrongUser = Code(.wrongUser)
        /// The license certifies a key other than the holder's.
        public static let wrongKey = Code(.wrongKey)
        /// The license is for another product than the one served.
        public static let wrongProduct = Code(.wrongProduct)
        /// The certificate is not a client license (a CA or TLS certificate, say).
        public static let notAClientLicense = Code(.notAClientLicense)
        /// The issuing certificate is not a license-server certificate.
        public static let notALicenseServer = Code(.notALicenseServer)
        /// The license is revoked.
        public static let revoked = Code(.revoked)
        /// The license server's certificate is revoked by the clearinghouse.
        public static let issuerRevoked = Code(.issuerRevoked)
        /// A CRL given is past its next update.
        public static let staleCRL = Code(.staleCRL)
        /// A CRL given claims the issuer's name but its signature does not verify with the issuer's key.
        public static let crlBadSignature = Code(.crlBadSignature)
        /// An OCSP response about the license is not signed by its license server.
        public static let ocspBadSignature = Code(.ocspBadSignature)
        /// An OCSP response about the license is past its next update.
        public static let staleOCSP = Code(.staleOCSP)
        /// A revocation check was required and no CRL or OCSP response establishes the status.
        public static let revocationUnknown = Code(.revocationUnknown)
        /// The license was issued by a license server the verifier is not bound to.
        public static let untrustedLicenseServer = Code(.untrustedLicenseServer)
        /// A permanent CAL that no key pack the clearinghouse signed for its server backs.
        public static let unbackedLicense = Code(.unbackedLicense)

        // MARK: Services
        /// A CALKit service gave no answer: refused, timed out, or its TLS certificate is not trusted.
        public static let serviceUnreachable = Code(.serviceUnreachable)
        /// A service has no route for this path.
        public static let notFound = Code(.notFound)
        /// The route does not take this method.
        public static let methodNotAllowed = Code(.methodNotAllowed)
        /// The request body did not arrive within the service's deadline.
        public static let requestTimeout = Code(.requestTimeout)
        /// The request body is over the service's limit.
        public static let bodyTooLarge = Code(.bodyTooLarge)
        /// The request body is not of the media type the route reads.
        public static let unsupportedMediaType = Code(.unsupportedMediaType)
        /// The route needs a bearer token and none was sent.
        public static let unauthorized = Code(.unauthorized)
        /// The bearer token sent is not accepted.
        public static let forbidden = Code(.forbidden)
        /// The service was started without the admin API.
        public static let adminDisabled = Code(.adminDisabled)
        /// Too many requests from this caller; try again later.
        public static let rateLimited = Code(.rateLimited)
        /// The service failed in a way it does not explain to callers (its log does).
        public static let internalFailure = Code(.internalFailure)

        private enum Backing: String, CaseIterable, Sendable {
            case fileNotFound = "file-not-found", fileAccess = "file-access", malformed, wrongKind = "wrong-kind"
            case alreadyInitialized = "already-initialized", notInitialized = "not-initialized"
            case invalidArgument = "invalid-argument", unsupportedKey = "unsupported-key"
            case passphraseRequired = "passphrase-required", wrongPassphrase = "wrong-passphrase", corruptKey = "corrupt-key"
            case insecurePermissions = "insecure-permissions", clockWentBackwards = "clock-went-backwards", homeInUse = "home-in-use"
            case storage, auditChainBroken = "audit-chain-broken"
            case requestSignatureInvalid = "bad-request-signature", requestNotAcceptable = "request-not-acceptable"
            case alreadyActivated = "already-activated", notActivated = "not-activated"
            case certificateKeyMismatch = "key-mismatch", chainDoesNotVerify = "chain-does-not-verify"
            case reactivationRefused = "reactivation-refused", issuerCompromised = "issuer-compromised"
            case issuerNotActive = "issuer-not-active", rotationPending = "rotation-pending"
            case activationCodeRequired = "activation-code-required", activationCodeInvalid = "activation-code-invalid"
            case packCodeInvalid = "pack-code-invalid", telephoneCodeInvalid = "telephone-code-invalid"
            case packSignatureInvalid = "bad-pack-signature", packNotForThisServer = "pack-not-for-this-server"
            case packAlreadyInstalled = "pack-already-installed", noSeatAvailable = "no-seat-available"
            case packPredatesLedger = "pack-predates-ledger", packReissueLimitReached = "pack-reissue-limit-reached"
            case noPackForProduct = "no-pack-for-product", productAmbiguous = "product-ambiguous"
            case perUserLimitReached = "per-user-limit-reached"
            case grantSignatureInvalid = "bad-grant-signature", grantNotForThisServer = "grant-not-for-this-server"
            case grantAlreadyUsed = "grant-already-used", seatAlreadyTransferred = "seat-already-transferred"
            case notTransferable = "not-transferable", notRenewable = "not-renewable", unknownSerial = "unknown-serial"
            case alreadyRevoked = "already-revoked", revocationQuotaExceeded = "revocation-quota-exceeded"
            case noProofOfPossession = "no-proof-of-possession", licenseNotForThisClient = "not-for-this-client"
            case noLicenseAvailable = "no-license-available", temporaryAlreadyIssued = "temporary-already-issued"
            case badRequest = "bad-request", alreadyLicensed = "already-licensed", untrustedLicense = "untrusted-license"
            case licenseServerUnreachable = "license-server-unreachable", noLicenseServer = "no-license-server"
            case badSignature = "bad-signature", untrustedRoot = "untrusted-root", expired, notYetValid = "not-yet-valid"
            case wrongDevice = "wrong-device", wrongUser = "wrong-user", wrongKey = "wrong-key", wrongProduct = "wrong-product"
            case notAClientLicense = "not-a-client-license", notALicenseServer = "not-a-license-server"
            case revoked, issuerRevoked = "issuer-revoked", staleCRL = "stale-crl", crlBadSignature = "crl-bad-signature"
            case ocspBadSignature = "ocsp-bad-signature", staleOCSP = "stale-ocsp", revocationUnknown = "revocation-unknown"
            case untrustedLicenseServer = "untrusted-license-server", unbackedLicense = "unbacked-license"
            case serviceUnreachable = "service-unreachable", notFound = "not-found", methodNotAllowed = "method-not-allowed"
            case requestTimeout = "request-timeout", bodyTooLarge = "body-too-large", unsupportedMediaType = "unsupported-media-type"
            case unauthorized, forbidden, adminDisabled = "admin-disabled", rateLimited = "rate-limited"
            case internalFailure = "internal"
        }
    }
}
