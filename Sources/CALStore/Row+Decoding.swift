import GRDB

extension Row {
    /// The value of `column` as `Value`. A value of another type (a row edited by hand, a file
    /// from elsewhere) throws ``StoreError/database(_:)`` naming the column, where GRDB's own
    /// subscript would stop the process.
    func value<Value: DatabaseValueConvertible>(_ column: String) throws -> Value {
        do {
            return try decode(forColumn: column)
        } catch {
            let found = self[column] as DatabaseValue? ?? .null
            throw StoreError.database("column \(column) holds \(found), which does not read as \(Value.self)")
        }
    }
}
