import Foundation

/// Edits a role's SQLite file behind CALKit's back, as an intruder with file access would,
/// through Python's own sqlite3 module (an independent writer).
public enum SQLiteEditor {
    /// Runs one SQL statement against the database at `path`.
    public static func execute(_ sql: String, in path: String) throws {
        let script = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute(sys.argv[2])\nc.commit()\nprint(c.total_changes)"
        let result = try ExternalTool.python(["-c", script, path, sql])
        guard result.status == 0, result.output.trimmingCharacters(in: .whitespacesAndNewlines) != "0" else {
            throw SQLiteEditorError(message: "\(sql) changed nothing: \(result.error)")
        }
    }

    /// What went wrong.
    public struct SQLiteEditorError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}
