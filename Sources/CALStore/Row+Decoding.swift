import CALCore
import GRDB

extension Row {
    /// The value of `column` as `Value`. A value of another type (a row edited by hand, a file
    /// from elsewhere) throws ``CALError/database(_:)`` naming the column, where GRDB's own
    /// subscript would stop the process.
    func value<Value: DatabaseValueConvertible>(_ column: String) throws -> Value {
        do {
            return try decode(forColumn: column)
        } catch {
            let found = self[column] as DatabaseValue? ?? .null
            throw CALError.storage("column \(column) holds \(found), which does not read as \(Value.self)")
        }
    }

    /// The value of `column` as a raw-valued enumeration (a license type, a status, a reason); a
    /// value that names no case throws ``CALError/database(_:)`` like a value of the wrong type.
    func enumeration<Value: RawRepresentable>(_ column: String) throws -> Value where Value.RawValue: DatabaseValueConvertible {
        let raw: Value.RawValue = try value(column)
        guard let parsed = Value(rawValue: raw) else {
            throw CALError.storage("column \(column) holds \(raw), which is not a \(Value.self)")
        }
        return parsed
    }

    /// As above, nil for NULL.
    func enumeration<Value: RawRepresentable>(_ column: String) throws -> Value? where Value.RawValue: DatabaseValueConvertible {
        guard let raw: Value.RawValue = try value(column) else { return nil }
        guard let parsed = Value(rawValue: raw) else {
            throw CALError.storage("column \(column) holds \(raw), which is not a \(Value.self)")
        }
        return parsed
    }
}
