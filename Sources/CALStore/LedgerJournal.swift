import CALCore
import Foundation
import GRDB

/// An append-only copy, outside the database, of every row each committed transaction wrote:
/// what lets a restored backup catch up with everything that happened after it was taken.
///
/// Each write transaction appends its rows (JSON lines: the table, rowid and full row of every
/// row it inserted or updated, and the rowid of every row it deleted, then a commit line) before
/// the transaction commits; if they cannot be written, the change does not happen. Replaying
/// the lines in order over an older copy of the ledger gives every row its latest image, so a
/// restore never un-revokes a license, never frees a seat a later license holds, and keeps the
/// audit chain whole. A transaction without its commit line (the process died first) is skipped.
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

    /// Rows per journal line: a transaction that writes a million rows (installing the largest
    /// pack) is written in lines of this many, so memory stays small.
    static let rowsPerLine = 512

    /// Appends the rows `recorder` saw, as they are now inside the transaction: lines of up to
    /// ``rowsPerLine`` rows tagged with one transaction id, then a line that commits them.
    ///
    /// The lines are on stable storage when this returns (`fdatasync`, and the folder synced
    /// when the file is new): the ledger's commit that follows is synced too, so the journal
    /// never lacks a transaction the ledger acknowledged.
    func append(_ recorder: ChangeRecorder, from db: Database) throws {
        guard !recorder.changes.isEmpty else { return }
        let isNew = access(path, F_OK) != 0
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CALError.storage("cannot open the ledger journal \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        try appendLines(recorder, from: db, to: descriptor)
        guard fdatasync(descriptor) == 0 else {
            throw CALError.storage("cannot sync the ledger journal \(path): \(String(cString: strerror(errno)))")
        }
        if isNew { Self.syncFolder(of: path) }
    }

    /// Syncs the folder holding `path`, so that a new file's name survives a power cut.
    private static func syncFolder(of path: String) {
        let folder = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { return }
        fsync(folder)
        close(folder)
    }

    private func appendLines(_ recorder: ChangeRecorder, from db: Database, to descriptor: Int32) throws {
        let transaction = String(UInt64.random(in: 1...UInt64.max), radix: 16)
        // The last change of a row decides; its image is read once, where the row was first touched.
        var last: [String: [Int64: Bool]] = [:]
        for change in recorder.changes { last[change.table, default: [:]][change.rowID] = change.deleted }
        var written: [String: Set<Int64>] = [:]
        var rows: [Line.Row] = []
        // A table's quoted name once per append, not once per row (a pack writes a million rows).
        var quotedNames: [String: String] = [:]
        for change in recorder.changes where written[change.table, default: []].insert(change.rowID).inserted {
            let quoted = quotedNames[change.table] ?? {
                let name = "\"" + change.table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                quotedNames[change.table] = name
                return name
            }()
            if last[change.table]?[change.rowID] == false,
                // Cached: compiling a SELECT * runs GRDB's authorizer once per column, every time.
                let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM \(quoted) WHERE _rowid_ = ?"), arguments: [change.rowID])
            {
                rows.append(Line.Row(t: change.table, r: change.rowID, c: Array(row.columnNames), v: row.databaseValues.map(Line.Value.init)))
            } else {
                rows.append(Line.Row(t: change.table, r: change.rowID, d: true))
            }
            if rows.count == Self.rowsPerLine {
                try write(Line(x: transaction, rows: rows), to: descriptor)
                rows.removeAll(keepingCapacity: true)
            }
        }
        try write(Line(x: transaction, rows: rows, commit: true), to: descriptor)
    }

    private func write(_ line: Line, to descriptor: Int32) throws {
        var data = line.jsonBytes()
        data.append(0x0A)
        let written = data.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        guard written == data.count else {
            throw CALError.storage("cannot write the ledger journal \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Replays every committed transaction over the database `db` (a copy being restored), in
    /// order: each row takes its journaled image, each deleted row goes. A transaction whose
    /// commit line is missing (the process died before it committed) is rolled back. Returns how
    /// many transactions it replayed.
    func replay(into db: Database) throws -> Int {
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw CALError(.fileAccess, "cannot read the ledger journal \(path): \(CALError.reason(describing: error))")
        }
        var replayed = 0
        var open: String?
        for text in data.split(separator: 0x0A) {
            // A line that does not parse is the tail of a write cut short.
            guard let line = try? JSONDecoder().decode(Line.self, from: Data(text)) else { continue }
            if let current = open, current != line.x {
                try db.execute(sql: "ROLLBACK TO journal_transaction; RELEASE journal_transaction")
                open = nil
            }
            if open == nil {
                try db.execute(sql: "SAVEPOINT journal_transaction")
                open = line.x
            }
            for row in line.rows { try apply(row, to: db) }
            if line.commit == true {
                try db.execute(sql: "RELEASE journal_transaction")
                open = nil
                replayed += 1
            }
        }
        if open != nil { try db.execute(sql: "ROLLBACK TO journal_transaction; RELEASE journal_transaction") }
        return replayed
    }

    private func apply(_ row: Line.Row, to db: Database) throws {
        let quoted = "\"" + row.t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        if row.d == true {
            try db.execute(sql: "DELETE FROM \(quoted) WHERE _rowid_ = ?", arguments: [row.r])
            return
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

    /// One journal line: some of the rows of one transaction (`x`), in the order it first
    /// touched them; the transaction's last line says `commit`.
    struct Line: Codable {
        var x: String
        var rows: [Row]
        var commit: Bool?

        init(x: String, rows: [Row], commit: Bool? = nil) {
            self.x = x
            self.rows = rows
            self.commit = commit
        }

        /// The line as JSON, written by hand: the journal is appended on every write
        /// transaction, and Foundation's encoder costs more than the rest of the append.
        /// `JSONDecoder` reads it back (LedgerJournalTests).
        func jsonBytes() -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(256 * max(1, rows.count))
            out += Array(#"{"x":"#.utf8)
            Self.string(x, into: &out)
            out += Array(#","rows":["#.utf8)
            for (index, row) in rows.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += Array(#"{"t":"#.utf8)
                Self.string(row.t, into: &out)
                out += Array(#","r":\#(row.r)"#.utf8)
                if row.d == true { out += Array(#","d":true"#.utf8) }
                if let columns = row.c {
                    out += Array(#","c":["#.utf8)
                    for (position, column) in columns.enumerated() {
                        if position > 0 { out.append(UInt8(ascii: ",")) }
                        Self.string(column, into: &out)
                    }
                    out.append(UInt8(ascii: "]"))
                }
                if let values = row.v {
                    out += Array(#","v":["#.utf8)
                    for (position, value) in values.enumerated() {
                        if position > 0 { out.append(UInt8(ascii: ",")) }
                        out.append(UInt8(ascii: "{"))
                        for (key, text) in [("i", value.i), ("f", value.f), ("s", value.s), ("b", value.b)] {
                            guard let text else { continue }
                            Self.string(key, into: &out)
                            out.append(UInt8(ascii: ":"))
                            Self.string(text, into: &out)
                        }
                        out.append(UInt8(ascii: "}"))
                    }
                    out.append(UInt8(ascii: "]"))
                }
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
            if commit == true { out += Array(#","commit":true"#.utf8) }
            out.append(UInt8(ascii: "}"))
            return out
        }

        /// `text` as a JSON string literal.
        private static func string(_ text: String, into out: inout [UInt8]) {
            let hex = Array("0123456789abcdef".utf8)
            out.append(UInt8(ascii: "\""))
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case 0..<0x20: out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                default: out.append(byte)
                }
            }
            out.append(UInt8(ascii: "\""))
        }

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
