import Foundation
import PostgresNIO

/// A value bound to a statement's `$n` placeholder; nil binds SQL NULL.
enum SQLValue: Sendable {
    case text(String?)
    case integer(Int?)
    case real(Double?)
    case bytes([UInt8]?)
    case boolean(Bool)

    /// A time, as the seconds since 1970 the ledgers store (the same column type as SQLite's).
    static func time(_ date: Date?) -> SQLValue { .real(date?.timeIntervalSince1970) }

    /// Binds the values in order.
    static func bindings(_ values: [SQLValue]) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .text(let text): bindings.append(text)
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .bytes(let bytes): try bindings.append(bytes.map { Data($0) })
            case .boolean(let flag): bindings.append(flag)
            }
        }
        return bindings
    }
}
