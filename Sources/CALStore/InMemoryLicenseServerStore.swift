import CALCore
import CALLicensing
import Foundation

/// The license server's ledger in memory: the twin of ``SQLiteLicenseServerStore`` for tests and
/// for trying rules without a disk. Every write runs on a copy of the state that replaces it
/// only when the whole operation succeeds, so a failed mint or a refusal changes nothing, as a
/// rolled-back transaction would. The same contract suite runs against both.
public final class InMemoryLicenseServerStore: LicenseServerStore, @unchecked Sendable {
    /// One seat of a per-device pack.
    struct Seat {
        var holder: String?
        /// The holder's expiry; nil for a seat never held or reclaimed.
        var heldUntil: Date?
    }

    /// A reclaimed seat, for reports.
    struct Reclaim {
        var packID: String
        var reclaimedAt: Date
    }

    /// Everything the ledger holds.
    struct State {
        var packs: [InstalledPack] = []
        var seats: [String: [Int: Seat]] = [:]
        var licenses: [IssuedLicense] = []
        var positions: [String: Int] = [:]
        var revokedForTransfer: Set<String> = []
        var usedGrants: Set<String> = []
        var reclaims: [Reclaim] = []
        var issuers: [IssuerRecord] = []
        var settings: [String: String] = [:]
        var crlNumber: UInt64 = 0
        /// Serials in the order they were revoked (what a delta CRL adds), and per issuer the
        /// last complete CRL's number with how much of that order it covered.
        var revocationLog: [String] = []
        var crlBases: [String: (number: UInt64, covered: Int)] = [:]
        var audit: [AuditEntry] = []
        var hosts: [EnrolledHost] = []

        func license(_ serial: String) -> IssuedLicense? { positions[serial].map { licenses[$0] } }

        mutating func update(_ serial: String, _ change: (inout IssuedLicense) -> Void) {
            guard let position = positions[serial] else { return }
            let wasRevoked = licenses[position].revokedAt != nil
            change(&licenses[position])
            if !wasRevoked && licenses[position].revokedAt != nil { revocationLog.append(serial) }
        }

        /// The latest time any change was recorded: the home's high-water mark.
        var latestAudit: Date?

        /// Appends an audit entry chained to the last, timed to the millisecond as SQLite keeps
        /// it; refuses a change dated before the high-water mark as SQLite's ledger does.
        mutating func append(at time: Date, event: String, subject: String, detail: String = "") throws {
            try ForwardClock.check(time, after: latestAudit)
            latestAudit = latestAudit.map { max($0, time) } ?? time
            let when = Date(timeIntervalSince1970: (time.timeIntervalSince1970 * 1000).rounded() / 1000)
            let sequence = Int64(audit.count + 1)
            let previous = audit.last?.hash ?? AuditEntry.genesisHash
            let hash = AuditEntry.hash(sequence: sequence, at: when, event: event, subject: subject, detail: detail, previousHash: previous)
            audit.append(
                AuditEntry(sequence: sequence, at: when, event: event, subject: subject, detail: detail, previousHash: previous, hash: hash)
            )
        }
    }

    private let lock = NSLock()
    private var state = State()

    /// An empty ledger.
    public init() {}

    func read<Result>(_ body: (State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(state)
    }

    func write<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        var copy = state
        let result = try body(&copy)
        state = copy
        return result
    }

    // MARK: Settings and audit

    public func setting(_ name: String) throws -> String? { read { $0.settings[name] } }

    public func setSetting(_ name: String, _ value: String, now: Date) throws {
        try write { state in
            state.settings[name] = value
            try state.append(at: now, event: "setting-changed", subject: name, detail: "set to \(value)")
        }
    }

    public func initializeSetting(_ name: String, _ value: String) throws -> String {
        write { state in
            if state.settings[name] == nil { state.settings[name] = value }
            return state.settings[name] ?? value
        }
    }

    public func auditLog() throws -> [AuditEntry] { read(\.audit) }

    public func auditSnapshot() throws -> AuditSnapshot {
        read { state in
            let licenses = state.licenses.map { AuditConsistency.License(serial: $0.serial, revoked: $0.revokedAt != nil) }
            let holders = state.seats.values.flatMap { $0.values.compactMap(\.holder) }
            return AuditSnapshot(
                entries: state.audit,
                findings: AuditConsistency.licenseServer(state.audit, licenses: licenses, packs: state.packs.map(\.packID), seatHolders: holders)
            )
        }
    }
}
