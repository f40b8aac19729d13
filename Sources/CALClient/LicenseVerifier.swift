import CALCore
import Foundation
@_spi(FixedExpiryValidationTime) import X509

/// Checks a client license the way a client or session host must before trusting it.
///
/// In order: the license profile; the issuing license-server certificate and its profile; the
/// chain to a trusted clearinghouse root under RFC 5280 path rules, which checks every signature;
/// the license servers the verifier is bound to; validity at the time given; revocation; the
/// binding to a device, user and key, and the product; last, the signed key pack behind a
/// permanent CAL. The first failure is the verdict, with a stable reason code.
public struct LicenseVerifier: Sendable {
    /// The clearinghouse roots trusted.
    public var trustRoots: [Certificate]
    /// Extra certificates that may complete a chain (the license server's, cross-certificates).
    public var intermediates: [Certificate]
    /// How far a certificate's validity may be off the checked time and still pass, in seconds.
    public var clockSkew: TimeInterval
    /// CRLs to check: the license server's (for licenses) and the root's (for server certificates).
    public var revocationLists: [CertificateRevocationList]
    /// OCSP responses to check, from the license server's responder.
    public var ocspResponses: [OCSPResponse]
    /// Whether a license whose revocation status no CRL or OCSP response establishes is refused
    /// (`revocation-unknown`).
    public var requireRevocationCheck: Bool
    /// The key packs (verified, signed by the clearinghouse) that back permanent CALs; when
    /// given, a permanent CAL whose pack and seat none of them holds is `unbacked-license`.
    public var keyPacks: [KeyPackContent]?

    /// What the license must be bound to; nil parts are not checked.
    public struct Expectation: Sendable {
        /// The device the license is presented on; checked against per-device licenses.
        public var deviceID: String?
        /// The user presenting it; checked against per-user licenses.
        public var user: String?
        /// The key the holder proved possession of.
        public var holderKey: Certificate.PublicKey? {
            didSet { holderKeyInfo = holderKey?.publicKeyInfoBytes }
        }
        /// `holderKey` encoded once, compared with the license's key as encoded.
        private(set) var holderKeyInfo: [UInt8]?
        /// The product the host serves.
        public var product: String?
        /// The license servers whose licenses are accepted (a host's bound servers); nil accepts
        /// any server under a trusted root.
        public var licenseServerIDs: Set<String>?

        /// Creates an expectation.
        public init(
            deviceID: String? = nil, user: String? = nil, holderKey: Certificate.PublicKey? = nil, product: String? = nil,
            licenseServerIDs: Set<String>? = nil
        ) {
            self.deviceID = deviceID
            self.user = user
            self.holderKey = holderKey
            holderKeyInfo = holderKey?.publicKeyInfoBytes
            self.product = product
            self.licenseServerIDs = licenseServerIDs
        }
    }

    /// A verifier trusting `trustRoots`, with `intermediates` to complete chains and
    /// `revocationLists` to check revocation.
    public init(
        trustRoots: [Certificate],
        intermediates: [Certificate] = [],
        clockSkew: TimeInterval = 0,
        revocationLists: [CertificateRevocationList] = [],
        ocspResponses: [OCSPResponse] = [],
        requireRevocationCheck: Bool = false,
        keyPacks: [KeyPackContent]? = nil
    ) {
        self.keyPacks = keyPacks
        self.ocspResponses = ocspResponses
        self.trustRoots = trustRoots
        self.intermediates = intermediates
        self.clockSkew = clockSkew
        self.revocationLists = revocationLists
        self.requireRevocationCheck = requireRevocationCheck
    }

    /// Verifies `license` at `time` and returns its license extension, or why it was refused.
    public func verify(
        _ license: Certificate,
        at time: Date,
        expecting expectation: Expectation = Expectation()
    ) async -> Result<LicenseExtension, CALError> {
        let extensionValue: LicenseExtension
        switch ClientLicenseProfile.check(license) {
        case .failure(let rejection): return .failure(rejection)
        case .success(let value): extensionValue = value
        }
        guard SubjectNames.commonName(of: license.subject).map(LicenseSubject.hash(of:)) == extensionValue.subjectHash
        else {
            return .failure(CALError(.malformed, "the subject name does not match the license extension's hash"))
        }

        // The issuing license server: same name, and the same key identifier where both say one
        // (a re-keyed server has several certificates with one name).
        let named = intermediates.filter { $0.subject == license.issuer }
        let authorityKeyID = try? license.extensions.authorityKeyIdentifier?.keyIdentifier
        let matching = named.count == 1 ? named.first : named.first { Self.keyIdentifiersMatch(authorityKeyID, $0) }
        guard let issuer = matching ?? named.first else {
            return .failure(CALError(.untrustedRoot, "the issuing license-server certificate was not given"))
        }
        guard let issuerID = IssuerPathCache.shared.serverID(of: issuer) else {
            return .failure(CALError(.notALicenseServer, "the issuer is not a license-server certificate"))
        }
        guard issuerID == extensionValue.licenseServerID else {
            return .failure(CALError(.notALicenseServer, "the license names server \(extensionValue.licenseServerID), its issuer is \(issuerID)"))
        }
        // Its issuer is a trusted root, or (after a root rollover) a root that a given
        // cross-certificate connects to a trusted one.
        let directRoots = trustRoots.filter { $0.subject == issuer.issuer }
        let crossed = intermediates.contains { cross in
            cross.subject == issuer.issuer && trustRoots.contains { $0.subject == cross.issuer }
        }
        guard !directRoots.isEmpty || crossed else {
            return .failure(CALError(.untrustedRoot, "the license server's issuer is not a trusted root"))
        }
        let roots = directRoots.isEmpty ? trustRoots : directRoots

        // The RFC 5280 path check verifies every signature once, with names, constraints and key
        // usage. Validity is judged separately below, with the clock-skew allowance, so the path is
        // checked at the nearest instant inside the license's and its issuer's validity.
        let earliest = max(license.notValidBefore, issuer.notValidBefore)
        let latest = min(license.notValidAfter, issuer.notValidAfter)
        let pathTime = max(min(time, latest), earliest)
        let root: Certificate
        let pathIssuer: Certificate
        // Who signed the server certificate: the root, or on a path through a cross-certificate
        // the cross-certificate, which carries the name and key of the root that signed it.
        let serverIssuer: Certificate
        if Self.hasProfileShape(license, authorityKeyID: authorityKeyID, issuer: issuer),
            let cachedRoot = IssuerPathCache.shared.root(for: issuer, among: directRoots, at: pathTime)
        {
            // The issuer's path to the root was verified before and still holds at this instant:
            // what RFC 5280 has left to check is the license's own link, its signature.
            guard issuer.publicKey.isValidSignature(license.signature, for: license) else {
                return .failure(CALError(.badSignature, "the license's signature does not verify with its issuer's key"))
            }
            (root, pathIssuer, serverIssuer) = (cachedRoot, issuer, cachedRoot)
        } else {
            var pathVerifier = Verifier(rootCertificates: CertificateStore(trustRoots)) {
                RFC5280Policy(fixedExpiryValidationTime: pathTime)
            }
            switch await pathVerifier.validate(leaf: license, intermediates: CertificateStore(intermediates)) {
            case .validCertificate(let chain):
                root = chain.root
                pathIssuer = chain.count > 1 ? chain[1] : issuer
                serverIssuer = chain.count > 2 ? chain[2] : chain.root
                if chain.count == 3, pathIssuer == issuer, directRoots.contains(root), Self.hasNoNameConstraints(issuer, root) {
                    IssuerPathCache.shared.remember(issuer: issuer, root: root)
                }
            case .couldNotValidate(let failures):
                return .failure(diagnose(license, issuer: issuer, roots: roots, at: time, failures: failures))
            }
        }
        // (The issuer found above was checked already; the path may have taken another one.)
        guard pathIssuer == issuer || LicenseServerProfile.serverID(of: pathIssuer) == extensionValue.licenseServerID else {
            return .failure(CALError(.notALicenseServer, "the license's issuer on the verified path is not its license server"))
        }

        // Who may issue: a license server the verifier is bound to.
        if let allowed = expectation.licenseServerIDs, !allowed.contains(extensionValue.licenseServerID) {
            return .failure(
                CALError(
                    .untrustedLicenseServer,
                    "the license was issued by license server \(extensionValue.licenseServerID), which is not trusted here"
                )
            )
        }

        // Validity, leaf first, with the clock-skew allowance.
        for (certificate, role) in [(license, "the license"), (pathIssuer, "the license-server certificate"), (root, "the clearinghouse root")] {
            if let rejection = validityRejection(certificate, role: role, at: time) { return .failure(rejection) }
        }

        // Revocation: the server's CRL for the license, the root's CRL for the server certificate.
        if let rejection = revocationRejection(license, issuer: pathIssuer, root: serverIssuer, at: time) {
            return .failure(rejection)
        }

        // Binding and product.
        switch extensionValue.licenseType {
        case .perDevice:
            if let deviceID = expectation.deviceID, LicenseSubject.device(deviceID).hash != extensionValue.subjectHash {
                return .failure(CALError(.wrongDevice, "the license is for another device"))
            }
        case .perUser:
            if let user = expectation.user, LicenseSubject.user(user).hash != extensionValue.subjectHash {
                return .failure(CALError(.wrongUser, "the license is for another user"))
            }
        }
        // The same bytes are the same key; other bytes are compared as keys (another encoding).
        if let holderKey = expectation.holderKey, expectation.holderKeyInfo == nil || expectation.holderKeyInfo != license.publicKeyInfoBytes,
            holderKey != license.publicKey
        {
            return .failure(CALError(.wrongKey, "the license certifies another key than the holder's"))
        }
        if let product = expectation.product, product != extensionValue.product {
            return .failure(CALError(.wrongProduct, "the license is for \(extensionValue.product), not \(product)"))
        }
        if let rejection = backingRejection(extensionValue) { return .failure(rejection) }
        return .success(extensionValue)
    }

    /// `unbacked-license` when key packs are given and none backs a permanent CAL's pack and seat.
    private func backingRejection(_ license: LicenseExtension) -> CALError? {
        guard let keyPacks, license.status == .permanent else { return nil }
        guard let packID = license.keyPackID,
            let pack = keyPacks.first(where: { $0.keyPackID == packID && $0.licenseServerID == license.licenseServerID })
        else {
            return CALError(.unbackedLicense, "no key pack signed for its license server backs this CAL")
        }
        guard pack.licenseType == license.licenseType, pack.product == license.product else {
            return CALError(.unbackedLicense, "its key pack licenses \(pack.licenseType.rawValue) CALs of \(pack.product)")
        }
        if license.licenseType == .perDevice {
            guard let seat = license.seat, (1...pack.count).contains(seat) else {
                return CALError(.unbackedLicense, "its seat is not one of the \(pack.count) seats of key pack \(packID)")
            }
        }
        return nil
    }

    /// Whether `license` has the shape CALKit issues, for which a cached issuer path leaves only
    /// its signature to check: its authority key identifier names `issuer`'s key, and its only
    /// critical extensions are basic constraints and key usage (the profile check has read
    /// both). Any other license goes through the full RFC 5280 path check.
    private static func hasProfileShape(_ license: Certificate, authorityKeyID: ArraySlice<UInt8>?, issuer: Certificate) -> Bool {
        guard authorityKeyID != nil, keyIdentifiersMatch(authorityKeyID, issuer) else { return false }
        return license.extensions.allSatisfy { !$0.critical || $0.oid == .X509ExtensionID.basicConstraints || $0.oid == .X509ExtensionID.keyUsage }
    }

    /// Whether neither certificate constrains the names below it (a path under name constraints
    /// is always checked in full).
    private static func hasNoNameConstraints(_ certificates: Certificate...) -> Bool {
        certificates.allSatisfy { $0.extensions[oid: .X509ExtensionID.nameConstraints] == nil }
    }

    /// Whether a license's authority key identifier names `issuer`'s subject key identifier
    /// (true when either is absent: then only the name can tell).
    private static func keyIdentifiersMatch(_ authorityKeyID: ArraySlice<UInt8>?, _ issuer: Certificate) -> Bool {
        guard let authority = authorityKeyID, let subject = try? issuer.extensions.subjectKeyIdentifier?.keyIdentifier
        else { return true }
        return authority == subject
    }

    /// Why a chain that did not pass the path check failed, most specific reason first.
    private func diagnose(
        _ license: Certificate,
        issuer: Certificate,
        roots: [Certificate],
        at time: Date,
        failures: [CertificateValidationResult.PolicyFailure]
    ) -> CALError {
        guard issuer.publicKey.isValidSignature(license.signature, for: license) else {
            return CALError(.badSignature, "the license's signature does not verify with its issuer's key")
        }
        guard let root = roots.first(where: { $0.publicKey.isValidSignature(issuer.signature, for: issuer) }) else {
            return CALError(.untrustedRoot, "the license-server certificate's signature does not verify with a trusted root")
        }
        if let rejection = validityRejection(root, role: "the clearinghouse root", at: time) { return rejection }
        let reasons = failures.map { $0.policyFailureReason.description }.joined(separator: "; ")
        return CALError(.untrustedRoot, reasons.isEmpty ? "no valid path to a trusted root" : reasons)
    }

    /// Checks `certificate` against the CRLs that `issuer` issued, complete and delta: a CRL naming
    /// the issuer must be signed by its key and fresh, or the verdict says so; nil when none of
    /// them revokes it.
    /// `checked` tells whether any CRL of that issuer was consulted. A CRL whose authority key
    /// identifier names another key is another issuer's of the same name (a license server
    /// before or after a key rotation) and is passed over.
    private func revocationStatus(
        of certificate: Certificate,
        issuer: Certificate,
        at time: Date,
        revokedCode: CALError.Code,
        role: String
    ) -> (rejection: CALError?, checked: Bool) {
        var checked = false
        guard !revocationLists.isEmpty else { return (nil, checked) }
        let issuerKeyID = try? issuer.extensions.subjectKeyIdentifier?.keyIdentifier
        for list in revocationLists where list.issuer == issuer.subject {
            if let listKeyID = list.authorityKeyIdentifier, let issuerKeyID, listKeyID != Array(issuerKeyID) { continue }
            guard list.isSigned(by: issuer) else {
                return (CALError(.crlBadSignature, "a CRL naming \(role) is not signed by its key"), checked)
            }
            if let nextUpdate = list.nextUpdate, time.addingTimeInterval(-clockSkew) > nextUpdate {
                return (CALError(.staleCRL, "the CRL of \(role) was due for update at \(nextUpdate.iso8601)"), checked)
            }
            // Only a complete CRL, checked here like this one, establishes the status: a delta CRL
            // revokes what it lists, and settles nothing on its own.
            if !list.isDelta { checked = true }
            if let entry = list.entry(for: Array(certificate.serialNumber.bytes)), entry.revokedAt <= time {
                let reason = entry.reason?.name ?? "unspecified"
                return (CALError(revokedCode, "revoked at \(entry.revokedAt.iso8601) by \(role) (\(reason))"), checked)
            }
        }
        return (nil, checked)
    }

    /// The revocation verdict for a license and its server certificate.
    private func revocationRejection(_ license: Certificate, issuer: Certificate, root: Certificate, at time: Date) -> CALError? {
        let server = revocationStatus(of: issuer, issuer: root, at: time, revokedCode: .issuerRevoked, role: "the clearinghouse root")
        if let rejection = server.rejection { return rejection }
        let leaf = revocationStatus(of: license, issuer: issuer, at: time, revokedCode: .revoked, role: "the license server")
        if let rejection = leaf.rejection { return rejection }
        let online = ocspStatus(of: license, issuer: issuer, at: time)
        if let rejection = online.rejection { return rejection }
        if requireRevocationCheck && !leaf.checked && !online.checked {
            return CALError(
                .revocationUnknown,
                "no CRL or OCSP response of the license server establishes the license's status"
            )
        }
        return nil
    }

    /// Checks `license` against the OCSP responses that answer for it: each must be signed by
    /// its license server and fresh; `good` settles the check, `unknown` does not.
    private func ocspStatus(of license: Certificate, issuer: Certificate, at time: Date) -> (rejection: CALError?, checked: Bool) {
        var checked = false
        for response in ocspResponses {
            guard let single = response.response(for: license, issuer: issuer) else { continue }
            guard response.isSigned(by: issuer) else {
                return (CALError(.ocspBadSignature, "an OCSP response about the license is not signed by its license server"), checked)
            }
            if let nextUpdate = single.nextUpdate, time.addingTimeInterval(-clockSkew) > nextUpdate {
                return (CALError(.staleOCSP, "the OCSP response was due for update at \(nextUpdate.iso8601)"), checked)
            }
            switch single.status {
            case .good:
                checked = true
            case .unknown:
                continue
            case .revoked(let at, let reason):
                guard at <= time else {
                    checked = true
                    continue
                }
                return (CALError(.revoked, "revoked at \(at.iso8601) per OCSP (\(reason?.name ?? "unspecified"))"), true)
            }
        }
        return (nil, checked)
    }

    /// `expired` or `not-yet-valid` if `certificate` is outside its validity at `time`, skew allowed.
    private func validityRejection(_ certificate: Certificate, role: String, at time: Date) -> CALError? {
        if time.addingTimeInterval(clockSkew) < certificate.notValidBefore {
            return CALError(.notYetValid, "\(role) is valid from \(certificate.notValidBefore.iso8601)")
        }
        if time.addingTimeInterval(-clockSkew) > certificate.notValidAfter {
            return CALError(.expired, "\(role) expired at \(certificate.notValidAfter.iso8601)")
        }
        return nil
    }
}
