import CALCore
import Foundation
import PostgresNIO

/// One open transaction (or snapshot) on a connection of a ``PostgresLedger``: statements
/// with `$n` placeholders and ``SQLValue`` arguments, rows read by column name.
struct PostgresTransaction {
    let connection: PostgresConnection
    let pool: PostgresConnectionPool

    /// Runs `sql` and returns its rows.
    func rows(_ sql: String, _ arguments: SQLValue...) throws -> [PostgresRandomAccessRow] {
        try rows(sql, arguments: arguments)
    }

    /// Runs `sql` and returns its rows.
    func rows(_ sql: String, arguments: [SQLValue]) throws -> [PostgresRandomAccessRow] {
        try pool.run(PostgresQuery(unsafeSQL: sql, binds: try SQLValue.bindings(arguments)), on: connection).rows.map { $0.makeRandomAccess() }
    }

    /// Runs `sql` and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: SQLValue...) throws -> Int {
        try pool.run(PostgresQuery(unsafeSQL: sql, binds: try SQLValue.bindings(arguments)), on: connection).metadata.rows ?? 0
    }

    /// The first row of `sql`, if any.
    func row(_ sql: String, _ arguments: SQLValue...) throws -> PostgresRandomAccessRow? {
        try rows(sql, arguments: arguments).first
    }

    /// The first column of the first row of `sql`, if there is a row and it is not NULL.
    func value<T: PostgresDecodable>(_ type: T.Type, _ sql: String, _ arguments: SQLValue...) throws -> T? {
        guard let cell = try rows(sql, arguments: arguments).first?[0], cell.bytes != nil else { return nil }
        return try cell.decode(T.self)
    }

    /// The first column of every row of `sql`.
    func values<T: PostgresDecodable>(_ type: T.Type, _ sql: String, _ arguments: SQLValue...) throws -> [T] {
        try rows(sql, arguments: arguments).map { try $0[0].decode(T.self) }
    }

    /// Whether `sql` returns a row.
    func exists(_ sql: String, _ arguments: SQLValue...) throws -> Bool {
        try !rows(sql, arguments: arguments).isEmpty
    }

    /// Increments a persisted counter (in the `counters` table) and returns its new value;
    /// the first value is 1. The counter's row stays locked until the transaction ends.
    func next(counter name: String) throws -> UInt64 {
        let value = try self.value(
            Int.self,
            "INSERT INTO counters (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
            .text(name)
        )
        return UInt64(value ?? 1)
    }

    /// Sets a value in the `settings` table.
    func set(setting name: String, to value: String) throws {
        try execute(
            "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value", .text(name), .text(value)
        )
    }
}

extension PostgresRandomAccessRow {
    /// The column `name`, decoded; a NULL or a value of another type is a storage error.
    func value<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        do {
            return try self[name].decode(T.self)
        } catch {
            throw CALError.storage("column \(name) does not read as \(T.self)")
        }
    }

    /// The time column `name` (seconds since 1970).
    func time(_ name: String) throws -> Date { Date(timeIntervalSince1970: try value(name, as: Double.self)) }

    /// The column `name`, decoded, or nil where it is NULL.
    func optional<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T? {
        self[name].bytes == nil ? nil : try value(name, as: T.self)
    }

    /// The time column `name`, or nil where it is NULL.
    func optionalTime(_ name: String) throws -> Date? {
        try optional(name, as: Double.self).map(Date.init(timeIntervalSince1970:))
    }

    /// The bytes column `name`.
    func bytes(_ name: String) throws -> [UInt8] { Array(try value(name, as: Data.self)) }
}

extension PostgresRandomAccessRow {
    /// The column `name` as one of a vocabulary's cases (its stable raw value); nil where NULL.
    /// A stored value that names no case does not read (`storage`), never a guess.
    func enumeration<T: RawRepresentable>(_ name: String, as type: T.Type = T.self) throws -> T? where T.RawValue: PostgresDecodable {
        guard self[name].bytes != nil else { return nil }
        let raw = try value(name, as: T.RawValue.self)
        guard let value = T(rawValue: raw) else { throw CALError.storage("column \(name) holds \(raw), which is not a \(T.self)") }
        return value
    }

    /// The column `name` as one of a vocabulary's cases; NULL does not read.
    func required<T: RawRepresentable>(_ name: String, as type: T.Type = T.self) throws -> T where T.RawValue: PostgresDecodable {
        guard let value = try enumeration(name, as: T.self) else { throw CALError.storage("column \(name) is empty") }
        return value
    }
}
