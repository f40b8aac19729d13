import CALCore
import Foundation
import GRDB

/// An append-only copy, outside the database, of every row each committed transaction wrote:
/// what lets a restored backup catch up with everything that happened after it was taken.
///
/// Each write transaction appends one line (JSON: the table, rowid and full row of every row it
/// inserted or updated, and the rowid of every row it deleted) and syncs it to disk before the
/// transaction commits; if the line cannot be written, the change does not happen. Replaying
/// the lines in order over an older copy of the ledger gives every row its latest image, so a
/// restore never un-revokes a license, never frees a seat a later license holds, and keeps the
/// audit chain whole. A last line cut short by a crash (its transaction never committed) is skipped.
final class LedgerJournal: Sendable {
    /// The journal file.
    let path: String

    /// The journal beside the database at `databasePath` (`ledger.journal` in the same folder).
    init(besideDatabase databasePath: String) {
        path = URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("ledger.journal").path
    }

    /// Records which rows a transaction touches, for ``append(_:from:)``.
    final class ChangeRecorder: TransactionObserver, @unchecked Sendable {
        private(set) var changes: [(table: String, rowID: Int64, deleted: Bool)] = []

        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
            !eventKind.tableName.hasPrefix("sqlite_") && !eventKind.tableName.hasPrefix("grdb_")
        }

        func databaseDidChange(with event: DatabaseEvent) {
            changes.append((event.tableName, event.rowID, event.kind == .delete))
        }

        func databaseDidCommit(_ db: Database) {}
        func databaseDidRollback(_ db: Database) {}
    }

    /// Appends the rows `recorder` saw, as they are now inside the transaction, and syncs the file.
    func append(_ recorder: ChangeRecorder, from db: Database) throws {
        var latest: [String: (table: String, rowID: Int64, deleted: Bool)] = [:]
        var order: [String] = []
        for change in recorder.changes {
            let key = "\(change.table)\u{0}\(change.rowID)"
            if latest[key] == nil { order.append(key) }
            latest[key] = change
        }
        guard !order.isEmpty else { return }
        var rows: [Line.Row] = []
        for key in order {
            guard let change = latest[key] else { continue }
            let quoted = "\"" + change.table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            if !change.deleted, let row = try Row.fetchOne(db, sql: "SELECT * FROM \(quoted) WHERE _rowid_ = ?", arguments: [change.rowID]) {
                rows.append(Line.Row(t: change.table, r: change.rowID, c: Array(row.columnNames), v: row.databaseValues.map(Line.Value.init)))
            } else {
                rows.append(Line.Row(t: change.table, r: change.rowID, d: true))
            }
        }
        var line: Data
        do {
            line = try JSONEncoder().encode(Line(rows: rows))
        } catch {
            throw CALError.storage("cannot write the ledger journal: \(CALError.reason(describing: error))")
        }
        line.append(0x0A)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CALError.storage("cannot open the ledger journal \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(descriptor) == 0 else {
            throw CALError.storage("cannot write the ledger journal \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Replays every complete line over the database `db` (a copy being restored), in order:
    /// each row takes its journaled image, each deleted row goes. Returns how many transactions it replayed.
    func replay(into db: Database) throws -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        var replayed = 0
        for text in data.split(separator: 0x0A) {
            // A line that does not parse is the tail of a write that never committed.
            guard let line = try? JSONDecoder().decode(Line.self, from: Data(text)) else { continue }
            for row in line.rows {
                let quoted = "\"" + row.t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                if row.d == true {
                    try db.execute(sql: "DELETE FROM \(quoted) WHERE _rowid_ = ?", arguments: [row.r])
                    continue
                }
                guard let columns = row.c, let values = row.v, columns.count == values.count else {
                    throw CALError.malformed(what: path, reason: "a journal row of \(row.t) is incomplete")
                }
                let names = (["_rowid_"] + columns.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }).joined(separator: ", ")
                let marks = Array(repeating: "?", count: columns.count + 1).joined(separator: ", ")
                var arguments: [DatabaseValue] = [row.r.databaseValue]
                for value in values { arguments.append(try value.databaseValue(in: path)) }
                try db.execute(sql: "INSERT OR REPLACE INTO \(quoted) (\(names)) VALUES (\(marks))", arguments: StatementArguments(arguments))
            }
            replayed += 1
        }
        return replayed
    }

    /// One journal line: the rows of one committed transaction.
    struct Line: Codable {
        /// Every row the transaction wrote, in the order it first touched them.
        var rows: [Row]

        /// A row's latest image (`c` its columns, `v` their values), or its deletion (`d`).
        struct Row: Codable {
            var t: String
            var r: Int64
            var d: Bool?
            var c: [String]?
            var v: [Value]?
        }

        /// A value with its SQLite type: `{"i": "12"}`, `{"f": "bits"}`, `{"s": "text"}`, `{"b": "base64"}`, or `{}` for NULL.
        struct Value: Codable {
            var i: String?
            var f: String?
            var s: String?
            var b: String?

            init(_ value: DatabaseValue) {
                switch value.storage {
                case .null: break
                case .int64(let number): i = String(number)
                case .double(let number): f = String(number.bitPattern)
                case .string(let text): s = text
                case .blob(let data): b = data.base64EncodedString()
                }
            }

            func databaseValue(in path: String) throws -> DatabaseValue {
                if let i { if let number = Int64(i) { return number.databaseValue } }
                else if let f { if let bits = UInt64(f) { return Double(bitPattern: bits).databaseValue } }
                else if let s { return s.databaseValue }
                else if let b { if let data = Data(base64Encoded: b) { return data.databaseValue } }
                else { return .null }
                throw CALError.malformed(what: path, reason: "a journal value does not read")
            }
        }
    }
}
