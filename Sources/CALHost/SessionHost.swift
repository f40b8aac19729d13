import CALClient
import CALCore
import CALStore
import Foundation
import X509

/// A session host: runs the logon flow, decides allow or deny, and asks a license server for
/// licenses on behalf of its clients. It never mints licenses itself.
public struct SessionHost: Sendable {
    /// The file names inside a host home.
    public enum Files {
        /// The clearinghouse root the host trusts (copied from its license server at init).
        public static let trustRoot = "trust-root.pem"
        /// The SQLite store: settings, grace period, decisions.
        public static let store = "calkit.sqlite"
        /// The CA certificates an https license server's TLS certificate must chain to, when given at init.
        public static let tlsTrust = "tls-trust.pem"
    }

    /// The names of the host's settings in its store.
    enum Setting {
        static let mode = "mode"
        static let product = "product"
        static let licenseServer = "license-server"
        static let requestTimeout = "request-timeout"
        static let graceStart = "grace-start"
        static let graceEnd = "grace-end"
    }

    /// The home folder.
    public let home: RoleHome
    /// The host's id, recorded with every decision.
    public var hostID: String { home.manifest.id ?? "" }
    private let store: any HostStore
    private let time: any TimeSource
    private let roots: [Certificate]

    /// Creates a host bound to a license server (named by `licenseServer`, for example its home
    /// folder), trusting `trustRoot`.
    public static func create(
        at path: String,
        mode: LicenseType,
        licenseServer: String,
        trustRoot: [Certificate],
        product: String?,
        tlsTrust: [Certificate] = [],
        requestTimeout: TimeInterval? = nil,
        time: any TimeSource = SystemTimeSource()
    ) throws -> SessionHost {
        if let requestTimeout, !requestTimeoutRange.contains(requestTimeout) {
            throw CALError.invalidArgument("--timeout must be 0.1 to 300 seconds")
        }
        guard !trustRoot.isEmpty else { throw CALError.invalidArgument("the host needs a trusted root") }
        let home = try RoleHome.create(at: path, manifest: .init(role: .host, id: CALIdentifier.random(), keyType: .p256))
        try SecureFile.write(Array(try PEMBundle.pem(of: trustRoot).utf8), to: home.file(Files.trustRoot), overwrite: false)
        if !tlsTrust.isEmpty {
            try SecureFile.write(Array(try PEMBundle.pem(of: tlsTrust).utf8), to: home.file(Files.tlsTrust), overwrite: false)
        }
        let host = try SessionHost(home: path, time: time)
        try host.update {
            try $0.setSetting(Setting.mode, mode.rawValue)
            try $0.setSetting(Setting.licenseServer, licenseServer)
            if let product { try $0.setSetting(Setting.product, product) }
            if let requestTimeout { try $0.setSetting(Setting.requestTimeout, String(requestTimeout)) }
        }
        return host
    }

    /// Opens an existing host home.
    public init(home path: String, time: any TimeSource = SystemTimeSource()) throws {
        home = try RoleHome.open(at: path, role: .host)
        roots = try PEMBundle.certificates(at: home.file(Files.trustRoot))
        do {
            store = try SQLiteHostStore(path: home.file(Files.store))
        } catch {
            throw CALError.storage("\(error)")
        }
        self.time = time
    }

    private func update(_ body: (any HostStore) throws -> Void) throws {
        do { try body(store) } catch let error as CALError { throw error } catch { throw CALError.storage("\(error)") }
    }

    private func setting(_ name: String) throws -> String? {
        do { return try store.setting(name) } catch { throw CALError.storage("\(error)") }
    }

    /// The licensing mode.
    public func mode() throws -> LicenseType {
        guard let text = try setting(Setting.mode), let mode = LicenseType(rawValue: text) else {
            throw CALError.malformed(what: "the host's settings", reason: "no licensing mode")
        }
        return mode
    }

    /// Changes the licensing mode.
    public func setMode(_ mode: LicenseType) throws {
        try update { try $0.setSetting(Setting.mode, mode.rawValue) }
    }

    /// The license server the host is bound to, as given at init.
    public func licenseServer() throws -> String { try setting(Setting.licenseServer) ?? "" }

    /// Seconds each attempt to reach a networked license server may take before the host retries
    /// or, after the last attempt, treats it as unreachable.
    public func requestTimeout() throws -> TimeInterval {
        try setting(Setting.requestTimeout).flatMap(TimeInterval.init) ?? Self.defaultRequestTimeout
    }

    /// The default of ``requestTimeout()``: a logon waits at most about three times this.
    public static let defaultRequestTimeout: TimeInterval = 5

    /// The request timeouts a host accepts, in seconds.
    public static let requestTimeoutRange: ClosedRange<TimeInterval> = 0.1...300

    /// The file of CA certificates for the license server's TLS certificate, if the host was given one.
    public var tlsTrustFile: String? {
        let path = home.file(Files.tlsTrust)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The product the host serves, if set.
    public func product() throws -> String? { try setting(Setting.product) }

    /// The grace period as it stands.
    public func gracePeriod() throws -> GracePeriod {
        GracePeriod(
            startedAt: try setting(Setting.graceStart).flatMap(Double.init).map(Date.init(timeIntervalSince1970:)),
            endedAt: try setting(Setting.graceEnd).flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
        )
    }

    /// Counts of the decisions made, by `outcome detail`.
    public func decisionCounts() throws -> [String: Int] {
        do { return try store.decisionCounts() } catch { throw CALError.storage("\(error)") }
    }

    /// Every decision made, oldest first.
    public func decisions() throws -> [LogonRecord] {
        do { return try store.decisions() } catch { throw CALError.storage("\(error)") }
    }

    /// Runs one logon of `client` (as `user` in per-user mode) against `source`, records the
    /// decision and returns it.
    public func logon(_ client: some LogonClient, user: String?, source: (any LicenseSource)?) async throws -> LogonDecision {
        let now = time.now
        let mode = try mode()
        let product = try product()
        if mode == .perUser && user == nil { throw CALError.invalidArgument("a per-user host needs --user") }
        let subject = user ?? client.deviceID
        let outcome = try await decide(client, mode: mode, user: user, product: product, source: source, now: now)
        var grace = try gracePeriod()
        var settings: [String: String] = [:]
        var decision = outcome.decision
        if case .denied = decision, outcome.graceMayAdmit, grace.isActive(at: now) { decision = .gracePeriod }
        if decision.outcome == "allowed" && grace.startedAt == nil {
            grace.startedAt = now
            settings[Setting.graceStart] = String(now.timeIntervalSince1970)
        }
        if outcome.newPermanent && grace.endedAt == nil && grace.isActive(at: now) {
            settings[Setting.graceEnd] = String(now.timeIntervalSince1970)
        }
        let record = LogonRecord(host: hostID, at: now, subject: subject, outcome: decision.outcome, detail: decision.detail, serial: decision.serial)
        do { try store.record(record, settings: settings) } catch { throw CALError.storage("\(error)") }
        return decision
    }

    /// The decision before the grace period is applied.
    private struct Outcome {
        var decision: LogonDecision
        /// Whether the refusal is one the grace period may override (no license to be had).
        var graceMayAdmit: Bool
        /// Whether a license server issued a permanent CAL to this host at this logon.
        var newPermanent: Bool
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
            return Outcome(decision: .denied(reason: "no-proof-of-possession"), graceMayAdmit: false, newPermanent: false)
        }

        // The license the client presents: the best valid one of this mode; else one that only expired.
        let expectation = LicenseVerifier.Expectation(
            deviceID: mode == .perDevice ? client.deviceID : nil, user: user, holderKey: client.publicKey, product: product
        )
        var valid: (Certificate, LicenseExtension)?
        var expired: Certificate?
        var lastRejection: LicenseRejection?
        for stored in try client.storedLicenses() {
            guard let value = try? LicenseExtension(of: stored.license), value.licenseType == mode else { continue }
            if mode == .perUser, let user, value.subjectHash != LicenseSubject.user(user).hash { continue }
            let verifier = LicenseVerifier(trustRoots: roots, intermediates: stored.chain)
            switch await verifier.verify(stored.license, at: now, expecting: expectation) {
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
            case .failure(let rejection) where rejection.code == .expired:
                expired = stored.license
            case .failure(let rejection):
                lastRejection = rejection
            }
        }

        // A license that failed verification for any other reason is never accepted: without a
        // new license the client is denied with the verifier's reason, and no grace applies.
        func fallback(_ reason: String) -> Outcome {
            if let valid { return Self.allowed(valid) }
            if let lastRejection {
                return Outcome(decision: .denied(reason: lastRejection.code.rawValue), graceMayAdmit: false, newPermanent: false)
            }
            return Outcome(decision: .denied(reason: reason), graceMayAdmit: true, newPermanent: false)
        }
        guard let source else { return fallback("license-server-unreachable") }
        let request = LicenseRequest(
            csr: try client.licenseRequest(user: user), mode: mode, product: product, presented: valid?.0 ?? expired
        )
        let grant: LicenseGrant
        do {
            grant = try await source.requestLicense(request)
        } catch {
            return fallback("license-server-unreachable")
        }
        switch grant {
        case .issued(let license, let chain):
            let verifier = LicenseVerifier(trustRoots: roots, intermediates: chain)
            // Checked at the time it arrives: the server may have stamped it after this logon began.
            switch await verifier.verify(license, at: max(now, time.now), expecting: expectation) {
            case .failure(let rejection):
                return Outcome(decision: .denied(reason: rejection.code.rawValue), graceMayAdmit: false, newPermanent: false)
            case .success(let value):
                try client.storeLicense(license, chain: chain)
                let serial = SerialNumbers.hex(license.serialNumber)
                let isNew = license.serialNumber != valid?.0.serialNumber
                return value.status == .permanent
                    ? Outcome(decision: .licensed(serial: serial), graceMayAdmit: false, newPermanent: isNew)
                    : Outcome(decision: .temporary(serial: serial), graceMayAdmit: false, newPermanent: false)
            }
        case .keepCurrent:
            return fallback("no-license-available")
        case .refused(let refusal):
            if refusal.code == .badRequest {
                return Outcome(decision: .denied(reason: refusal.code.rawValue), graceMayAdmit: false, newPermanent: false)
            }
            return fallback(refusal.code.rawValue)
        }
    }

    private static func allowed(_ valid: (Certificate, LicenseExtension)) -> Outcome {
        let serial = SerialNumbers.hex(valid.0.serialNumber)
        let decision: LogonDecision = valid.1.status == .permanent ? .licensed(serial: serial) : .temporary(serial: serial)
        return Outcome(decision: decision, graceMayAdmit: false, newPermanent: false)
    }
}
