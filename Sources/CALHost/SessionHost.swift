import CALClient
import CALCore
import CALLicensing
internal import CALStore
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
        /// The credential the license server enrolled the host with (0600), when it was given one.
        public static let credential = "license-server-credential"
    }

    /// The names of the host's settings in its store.
    enum Setting {
        static let mode = "mode"
        static let product = "product"
        static let licenseServer = "license-server"
        static let requestTimeout = "request-timeout"
        static let graceStart = "grace-start"
        static let graceEnd = "grace-end"
        static let licenseServerIDs = "license-server-ids"
        static let revocationLists = "revocation-lists"
        static let keyPacks = "key-packs"
        static let rootRevocationLists = "root-revocation-lists"
    }

    /// The home folder.
    public let home: RoleHome
    /// The host's id, recorded with every decision.
    public var hostID: String { home.manifest.id ?? "" }
    let store: any HostStore
    let time: any TimeSource
    /// The clearinghouse roots trusted; none until a license server is bound.
    let roots: [Certificate]

    /// Creates a host with no license server: until one is bound, the grace period decides
    /// every logon (up to ``LicensingTerms/gracePeriodDays`` from the first connection).
    public static func create(
        at path: String,
        mode: LicenseType,
        product: String?,
        time: any TimeSource = SystemTimeSource(),
        database: String? = nil
    ) throws -> SessionHost {
        if let product { try ProductName.validate(product) }
        let location = try database.map { try PostgresHostStore.unclaimed($0) }
        let home = try RoleHome.create(at: path, manifest: .init(role: .host, id: CALIdentifier.random(), keyType: .p256, database: location))
        let host = try SessionHost(home: home.path, time: time)
        try host.update {
            try $0.setSetting(Setting.mode, mode.rawValue)
            if let product { try $0.setSetting(Setting.product, product) }
        }
        return host
    }

    /// Creates a host bound to a license server at once.
    public static func create(
        at path: String,
        mode: LicenseType,
        product: String?,
        binding: LicenseServerBinding,
        time: any TimeSource = SystemTimeSource(),
        database: String? = nil
    ) throws -> SessionHost {
        try validate(binding)
        var host = try create(at: path, mode: mode, product: product, time: time, database: database)
        try host.bind(binding)
        host = try SessionHost(home: path, time: time)
        return host
    }

    private static func validate(_ binding: LicenseServerBinding) throws {
        if let timeout = binding.requestTimeout, !requestTimeoutRange.contains(timeout) {
            throw CALError.invalidArgument("the request timeout must be 0.1 to 300 seconds")
        }
        guard !binding.trustRoots.isEmpty else { throw CALError.invalidArgument("the host needs a trusted root") }
        guard !binding.serverIDs.isEmpty else { throw CALError.invalidArgument("the host needs the id of the license server it trusts") }
    }

    /// Binds the host to a license server (replacing any earlier binding): from now on it asks
    /// that server for licenses and accepts licenses of its server ids alone. Cached CRLs and
    /// key packs of an earlier server are dropped.
    public func bind(_ binding: LicenseServerBinding) throws {
        try Self.validate(binding)
        try SecureFile.write(Array(try PEMBundle.pem(of: binding.trustRoots).utf8), to: home.file(Files.trustRoot))
        let tlsPath = home.file(Files.tlsTrust)
        if binding.tlsTrust.isEmpty {
            if FileManager.default.fileExists(atPath: tlsPath) { try FileManager.default.removeItem(atPath: tlsPath) }
        } else {
            try SecureFile.write(Array(try PEMBundle.pem(of: binding.tlsTrust).utf8), to: tlsPath)
        }
        let credentialPath = home.file(Files.credential)
        if let credential = binding.credential {
            try SecureFile.write(Array((credential + "\n").utf8), to: credentialPath, mode: 0o600)
        } else if FileManager.default.fileExists(atPath: credentialPath) {
            try FileManager.default.removeItem(atPath: credentialPath)
        }
        try update {
            try $0.setSetting(Setting.licenseServer, binding.location)
            try $0.setSetting(Setting.licenseServerIDs, binding.serverIDs.joined(separator: ","))
            try $0.setSetting(Setting.requestTimeout, binding.requestTimeout.map { String($0) } ?? "")
            try $0.setSetting(Setting.revocationLists, "")
            try $0.setSetting(Setting.keyPacks, "")
        }
    }

    /// Opens an existing host home.
    public init(home path: String, time: any TimeSource = SystemTimeSource()) throws {
        home = try RoleHome.open(at: path, role: .host)
        let rootPath = home.file(Files.trustRoot)
        roots = FileManager.default.fileExists(atPath: rootPath) ? try PEMBundle.certificates(at: rootPath) : []
        store = try Self.openStore(of: home)
        self.time = time
    }

    func update(_ body: (any HostStore) throws -> Void) throws {
        try body(store)
    }

    func setting(_ name: String) throws -> String? {
        return try store.setting(name)
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

    /// The license server the host is bound to (home folder or URL); empty when none is.
    public func licenseServer() throws -> String { try setting(Setting.licenseServer) ?? "" }

    /// The license-server ids whose licenses the host accepts; empty when no server is bound.
    public func licenseServerIDs() throws -> [String] {
        (try setting(Setting.licenseServerIDs) ?? "").split(separator: ",").map(String.init)
    }

    /// Seconds each attempt to reach a networked license server may take before the host retries
    /// or, after the last attempt, treats it as unreachable.
    public func requestTimeout() throws -> TimeInterval {
        try setting(Setting.requestTimeout).flatMap { TimeInterval($0) } ?? Self.defaultRequestTimeout
    }

    /// The default of ``requestTimeout()``: a logon waits at most about three times this.
    public static let defaultRequestTimeout: TimeInterval = 5

    /// The request timeouts a host accepts, in seconds.
    public static let requestTimeoutRange: ClosedRange<TimeInterval> = 0.1...300

    /// The credential to send with license requests, if the host was enrolled with one.
    public func licenseServerCredential() throws -> String? {
        let path = home.file(Files.credential)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try SecureFile.readSecret(path).trimmingCharacters(in: .whitespacesAndNewlines)
    }

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
        return try store.decisionCounts()
    }

    /// Every decision made, oldest first.
    public func decisions() throws -> [RecordedLogon] {
        try store.decisions().map { record in
            guard let decision = LogonDecision(outcome: record.outcome, detail: record.detail, serial: record.serial) else {
                throw CALError.storage("the logon of \(record.subject) at \(record.at) records \(record.outcome) \(record.detail), which is no decision")
            }
            return RecordedLogon(host: record.host, at: record.at, subject: record.subject, decision: decision)
        }
    }
}
