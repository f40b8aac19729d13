import CALCore
import Foundation

/// Where a PostgreSQL ledger lives: `postgresql://USER@HOST:PORT/DATABASE?schema=NAME`.
///
/// The URL never carries a password, because it is written into the home folder; the password
/// comes from `PGPASSWORD` or a passfile (`PGPASSFILE`, else `~/.pgpass`), as for `psql`. Each
/// ledger keeps its tables in its own PostgreSQL schema, so that one database can hold a
/// license server, a clearinghouse and hosts side by side (and tests a ledger each).
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// The role PostgreSQL knows the nodes by.
    public var user: String
    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The database.
    public var database: String
    /// The PostgreSQL schema holding this ledger's tables; nil means the role's default.
    public var schema: String?
    /// How the connection is protected: `disable`, `require` (encrypted) or `verify-full`
    /// (encrypted, and the server's certificate checked against the system's trust store).
    public var sslMode: SSLMode

    /// Transport security, named as libpq names it.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        case disable, require
        case verifyFull = "verify-full"
    }

    /// Whether `text` names a PostgreSQL ledger rather than a file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Reads a `postgresql://` URL; refuses one that carries a password or an option it does
    /// not know, saying what to do instead.
    public init(url text: String) throws {
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw CALError.invalidArgument("\(text) is not a PostgreSQL URL: write postgresql://USER@HOST:PORT/DATABASE")
        }
        guard components.password == nil else {
            throw CALError.invalidArgument(
                "the database URL holds a password, which would be written into the home: give it in PGPASSWORD or a passfile (~/.pgpass) instead"
            )
        }
        guard let user = components.user, !user.isEmpty else {
            throw CALError.invalidArgument("the database URL names no user: write postgresql://USER@HOST:PORT/DATABASE")
        }
        guard let host = components.host, !host.isEmpty else {
            throw CALError.invalidArgument("the database URL names no host: write postgresql://USER@HOST:PORT/DATABASE")
        }
        let database = String(components.path.dropFirst())
        guard !database.isEmpty, !database.contains("/") else {
            throw CALError.invalidArgument("the database URL names no database: write postgresql://USER@HOST:PORT/DATABASE")
        }
        self.user = user.removingPercentEncoding ?? user
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 5432
        self.database = database
        schema = nil
        sslMode = .disable
        for item in components.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("schema", let value?):
                guard Self.isPlainName(value) else {
                    throw CALError.invalidArgument("schema \(value) is not a plain name: use lower-case letters, digits and _, starting with a letter")
                }
                schema = value
            case ("sslmode", let value?):
                guard let mode = SSLMode(rawValue: value) else {
                    throw CALError.invalidArgument("sslmode \(value) is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = mode
            default:
                throw CALError.invalidArgument("the database URL option \(item.name) is not known: schema and sslmode are")
            }
        }
    }

    /// The URL, without a password (there never is one).
    public var description: String {
        var text = "postgresql://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
        var options: [String] = []
        if let schema { options.append("schema=\(schema)") }
        if sslMode != .disable { options.append("sslmode=\(sslMode.rawValue)") }
        if !options.isEmpty { text += "?" + options.joined(separator: "&") }
        return text
    }

    /// The same place with another schema (a role's default, or a test's own).
    public func with(schema: String) -> PostgresLocation {
        var copy = self
        copy.schema = schema
        return copy
    }

    /// A schema, role or database name that needs no quoting: it is put into SQL as is.
    static func isPlainName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.count <= 63 else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// The password for this place: `PGPASSWORD`, else the first matching line of the passfile
    /// (`hostname:port:database:username:password`, `*` matching anything), which is ignored
    /// unless only its owner can read it, as libpq does.
    public func password(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let password = environment["PGPASSWORD"] { return password }
        let path = environment["PGPASSFILE"] ?? (environment["HOME"].map { $0 + "/.pgpass" } ?? "")
        var status = stat()
        guard !path.isEmpty, stat(path, &status) == 0, status.st_mode & 0o077 == 0,
            let text = try? String(contentsOfFile: path, encoding: .utf8)
        else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = Self.passfileFields(String(line))
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// A passfile line's fields: separated by `:`, with `\:` and `\\` escaped.
    private static func passfileFields(_ line: String) -> [String] {
        var fields = [""]
        var escaped = false
        for character in line {
            if escaped {
                fields[fields.count - 1].append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" {
                fields.append("")
            } else {
                fields[fields.count - 1].append(character)
            }
        }
        return fields
    }
}
