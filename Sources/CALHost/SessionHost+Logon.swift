import CALClient
import CALCore
import CALLicensing
internal import CALStore
import Foundation
import X509

/// The logon flow: proof of possession, the client's stored licenses checked against the bound
/// servers, their CRLs and key packs, then the license server's answer; the grace period last.
extension SessionHost {
    /// Runs one logon of `client` (as `user` in per-user mode) against `source` (nil: no license
    /// server can be reached, or none is bound), records the decision and returns it.
    public func logon(_ client: some LogonClient, user: String?, source: (any LicenseSource)?) async throws -> LogonDecision {
        let now = time.now
        // A clock turned back would bring an ended grace period back and make expired licenses valid.
        try ForwardClock.check(now, after: try store.latestDecisionTime())
        let mode = try mode()
        let product = try product()
        if mode == .perUser && user == nil { throw CALError.invalidArgument("a per-user host needs a user") }
        let subject = user ?? client.deviceID
        let outcome = try await decide(client, mode: mode, user: user, product: product, source: source, now: now)
        var grace = try gracePeriod()
        var settings: [String: String] = [:]
        var decision = outcome.decision
        if case .denied = decision, outcome.graceMayAdmit, grace.isActive(at: now) { decision = .gracePeriod }
        if decision.isAllowed && grace.startedAt == nil {
            grace.startedAt = now
            settings[Setting.graceStart] = String(now.timeIntervalSince1970)
        }
        if outcome.newPermanent && grace.endedAt == nil && grace.isActive(at: now) {
            settings[Setting.graceEnd] = String(now.timeIntervalSince1970)
        }
        let record = LogonRecord(host: hostID, at: now, subject: subject, outcome: decision.outcome, detail: decision.detail, serial: decision.serial)
        try store.record(record, settings: settings)
        return decision
    }

    /// The decision before the grace period is applied.
    private struct Outcome {
        var decision: LogonDecision
        /// Whether the refusal is one the grace period may override (no license to be had).
        var graceMayAdmit: Bool
        /// Whether a license server issued a permanent CAL to this host at this logon.
        var newPermanent: Bool

        static func denied(_ reason: CALError.Code, graceMayAdmit: Bool = false) -> Outcome {
            Outcome(decision: .denied(reason: reason), graceMayAdmit: graceMayAdmit, newPermanent: false)
        }
    }

    private func decide(
        _ client: some LogonClient,
        mode: LicenseType,
        user: String?,
        product: String?,
        source: (any LicenseSource)?,
        now: Date
    ) async throws -> Outcome {
        // Proof of possession: the client signs a fresh challenge with its key.
        var challenge = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in challenge.indices { challenge[index] = UInt8.random(in: 0...255, using: &generator) }
        let signature = try client.signChallenge(challenge)
        let algorithm = SignatureAlgorithmIdentifier(for: try KeyType(of: client.publicKey))
        guard algorithm.isValidSignature(signature.rawRepresentation, over: challenge, by: client.publicKey) else {
            return .denied(.noProofOfPossession)
        }
        let unreachable: CALError.Code = try licenseServer().isEmpty ? .noLicenseServer : .licenseServerUnreachable

        // Only licenses of the bound servers count, checked against their CRLs and key packs.
        // A host bound to no server trusts no root: stored licenses count as none, the grace period decides.
        let stored = roots.isEmpty ? [] : try client.storedLicenses()
        let evidence = await evidence(from: source, packsNamed: stored.compactMap { Self.packID(of: $0.license) }, now: now)
        let expectation = LicenseVerifier.Expectation(
            deviceID: mode == .perDevice ? client.deviceID : nil, user: user, holderKey: client.publicKey, product: product,
            licenseServerIDs: Set(try licenseServerIDs())
        )

        // The license the client presents: the best valid one of this mode; else one that only expired.
        var valid: (Certificate, LicenseExtension)?
        var expired: Certificate?
        var lastRejection: CALError?
        // A license of a server this host is not bound to is as good as none (grace may still
        // admit); it is never accepted.
        var foreign: CALError?
        for stored in stored {
            guard let value = try? LicenseExtension(of: stored.license), value.licenseType == mode else { continue }
            if mode == .perUser, let user, value.subjectHash != LicenseSubject.user(user).hash { continue }
            switch await evidence.verifier(roots: roots, chain: stored.chain).verify(stored.license, at: now, expecting: expectation) {
            case .success(let extensionValue):
                // Permanent before temporary; then the one that lasts longer.
                if let current = valid {
                    let better =
                        extensionValue.status != current.1.status
                        ? extensionValue.status == .permanent
                        : stored.license.notValidAfter > current.0.notValidAfter
                    if better { valid = (stored.license, extensionValue) }
                } else {
                    valid = (stored.license, extensionValue)
                }
            case .failure(let rejection) where rejection.code == .untrustedLicenseServer:
                foreign = rejection
            case .failure(let rejection) where rejection.code == .expired:
                expired = stored.license
            case .failure(let rejection):
                lastRejection = rejection
            }
        }

        // A license that failed verification for any other reason is never accepted: without a
        // new license the client is denied with the verifier's reason, and no grace applies.
        func fallback(_ reason: CALError.Code) -> Outcome {
            if let valid { return Self.allowed(valid) }
            if let lastRejection { return .denied(lastRejection.code) }
            return .denied(foreign?.code ?? reason, graceMayAdmit: true)
        }
        guard let source else { return fallback(unreachable) }
        let request = LicenseRequest(
            csr: try client.licenseRequest(user: user), mode: mode, product: product, presented: valid?.0 ?? expired
        )
        let grant: LicenseGrant
        do {
            grant = try await source.requestLicense(request)
        } catch {
            return fallback(unreachable)
        }
        switch grant {
        case .issued(let license, let chain):
            // A pack this host has not seen is fetched before the license is judged.
            var evidence = evidence
            if let packID = Self.packID(of: license), !evidence.knowsPack(packID) {
                evidence = await self.evidence(from: source, packsNamed: [packID], now: now)
            }
            // Checked at the time it arrives: the server may have stamped it after this logon began.
            switch await evidence.verifier(roots: roots, chain: chain).verify(license, at: max(now, time.now), expecting: expectation) {
            case .failure(let rejection):
                return .denied(rejection.code)
            case .success(let value):
                try client.storeLicense(license, chain: chain)
                let serial = SerialNumbers.hex(license.serialNumber)
                let isNew = license.serialNumber != valid?.0.serialNumber
                return value.status == .permanent
                    ? Outcome(decision: .licensed(serial: serial), graceMayAdmit: false, newPermanent: isNew)
                    : Outcome(decision: .temporary(serial: serial), graceMayAdmit: false, newPermanent: false)
            }
        case .keepCurrent:
            return fallback(.noLicenseAvailable)
        case .refused(let refusal):
            switch refusal.code {
            case .noLicenseAvailable, .temporaryAlreadyIssued, .alreadyLicensed, .notActivated:
                // No license to be had: the client's own valid license, or the grace period, may still admit.
                return fallback(refusal.code)
            case .unauthorized:
                // The server does not answer this host (not enrolled, or removed): a client's own
                // valid license still admits, but the grace period does not cover for the host.
                if let valid { return Self.allowed(valid) }
                return .denied(refusal.code)
            default:
                // The server's own verdict on the request or the presented license: decisive.
                return .denied(refusal.code)
            }
        }
    }

    private static func allowed(_ valid: (Certificate, LicenseExtension)) -> Outcome {
        let serial = SerialNumbers.hex(valid.0.serialNumber)
        let decision: LogonDecision = valid.1.status == .permanent ? .licensed(serial: serial) : .temporary(serial: serial)
        return Outcome(decision: decision, graceMayAdmit: false, newPermanent: false)
    }

    /// The key pack a permanent CAL names, if it is one.
    private static func packID(of license: Certificate) -> String? {
        guard let value = try? LicenseExtension(of: license), value.status == .permanent else { return nil }
        return value.keyPackID
    }
}
