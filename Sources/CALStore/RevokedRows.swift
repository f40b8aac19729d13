import CALCore
import Foundation
import GRDB
import GRDBSQLite
import X509

/// What the next CRL of an issuer lists, read while the transaction that numbers it is open:
/// its CRL number, for a delta CRL the number of the complete CRL it adds to, and the revoked
/// rows in CRL order (revocation time, then serial), streamed rather than loaded.
public struct RevokedRows {
    /// The number the CRL takes (complete and delta CRLs share one sequence, RFC 5280 §5.2.3).
    public let number: UInt64
    /// For a delta CRL, the number of the complete CRL it adds to; nil for a complete CRL.
    public let deltaBase: UInt64?
    private let counting: () throws -> Int
    private let visiting: (Visitor) throws -> Void

    /// Receives one row: the serial as hexadecimal UTF-8 (valid during the call only), the
    /// revocation time in seconds since 1970 and the RFC 5280 reason code.
    public typealias Visitor = (_ serialHex: UnsafeRawBufferPointer, _ revokedAt: Double, _ reasonCode: Int) throws -> Void

    init(number: UInt64, deltaBase: UInt64?, count: @escaping () throws -> Int, visit: @escaping (Visitor) throws -> Void) {
        self.number = number
        self.deltaBase = deltaBase
        counting = count
        visiting = visit
    }

    /// Rows held in memory (the in-memory store), already in CRL order.
    init(number: UInt64, deltaBase: UInt64?, entries: [RevocationEntry]) {
        self.init(number: number, deltaBase: deltaBase, count: { entries.count }) { body in
            for entry in entries {
                var serial = entry.serial
                try serial.withUTF8 { try body(UnsafeRawBufferPointer($0), entry.revokedAt.timeIntervalSince1970, entry.reason.rawValue) }
            }
        }
    }

    /// Rows a SELECT of `serial, revoked_at, revocation_reason` reads; `count` is the same
    /// query's COUNT(*).
    init(number: UInt64, deltaBase: UInt64?, db: Database, select: String, count: String, arguments: StatementArguments) {
        self.init(number: number, deltaBase: deltaBase, count: { try Int.fetchOne(db, sql: count, arguments: arguments) ?? 0 }) { body in
            // GRDB steps the statement; the columns are read from SQLite itself, with no Row or
            // Data per row (a CRL reads a million of them).
            let statement = try db.makeStatement(sql: select)
            let rows = try Row.fetchCursor(statement, arguments: arguments)
            let sqlite = statement.sqliteStatement
            while try rows.next() != nil {
                guard let text = sqlite3_column_text(sqlite, 0) else { throw CALError.storage("a revoked row without a serial number") }
                let serial = UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(sqlite, 0)))
                let reason = sqlite3_column_type(sqlite, 2) == SQLITE_NULL ? RevocationReason.unspecified.rawValue : Int(sqlite3_column_int64(sqlite, 2))
                try body(serial, sqlite3_column_double(sqlite, 1), reason)
            }
        }
    }

    /// How many rows there are (a count, for sizing the CRL's buffer).
    public func count() throws -> Int { try counting() }

    /// Hands every row to `body`, in CRL order.
    public func forEach(_ body: Visitor) throws {
        try withoutActuallyEscaping(body) { try visiting($0) }
    }
}

extension RevokedRows {
    /// The CRL of these rows, signed by `issuer`'s `key`: issued `now`, due again after
    /// `nextUpdateHours`; a complete one points at `freshestCRL` for its deltas, when given.
    public func signedList(
        issuer: Certificate, key: Certificate.PrivateKey, now: Date, nextUpdateHours: Int, freshestCRL: String? = nil
    ) throws -> CertificateRevocationList {
        try CertificateRevocationList.checkNextUpdate(hours: nextUpdateHours)
        var writer = try RevocationListWriter(
            issuer: issuer, key: key, thisUpdate: now, nextUpdate: now.addingTimeInterval(TimeInterval(nextUpdateHours) * 3600),
            number: number, kind: deltaBase.map { .delta(base: $0) } ?? .complete(freshestCRL: freshestCRL), expectedEntries: try count()
        )
        try forEach { try writer.append(serialHex: $0, revokedAt: $1, reasonCode: $2) }
        return try writer.finish()
    }
}
