import CALCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// A bounded set of connections to one PostgreSQL ledger, for callers on ordinary threads.
///
/// At most `size` connections are open; a caller that finds none free waits up to
/// `acquireTimeout` and is then refused with `storage`, so a slow or absent database makes a
/// node answer 503 quickly instead of piling up work it cannot finish. Every statement runs
/// under `statementTimeout`, enforced by the server and, should the server stop answering
/// altogether, by the client closing the connection. A connection that failed is closed, never
/// handed out again; the next caller opens a fresh one, which is how a node recovers when the
/// database comes back.
final class PostgresConnectionPool: @unchecked Sendable {
    let location: PostgresLocation
    let size: Int
    let acquireTimeout: TimeInterval
    let statementTimeout: TimeInterval
    private let configuration: PostgresConnection.Configuration
    private let group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    private let logger = Logger(label: "calkit.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var nextID = 0
    private var closed = false

    init(location: PostgresLocation, schema: String, size: Int, acquireTimeout: TimeInterval, statementTimeout: TimeInterval) throws {
        self.location = location
        self.size = max(1, size)
        self.acquireTimeout = acquireTimeout
        self.statementTimeout = statementTimeout
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password(),
            database: location.database, tls: try Self.tls(location.sslMode)
        )
        configuration.options.connectTimeout = .milliseconds(Int64(min(acquireTimeout, 10) * 1000))
        let milliseconds = String(Int(statementTimeout * 1000))
        configuration.options.additionalStartupParameters = [
            ("application_name", "calkit"), ("search_path", schema), ("statement_timeout", milliseconds), ("lock_timeout", milliseconds),
            // A node killed inside a transaction holds no lock for longer than this.
            ("idle_in_transaction_session_timeout", String(Int(statementTimeout * 3000))),
        ]
        self.configuration = configuration
    }

    private static func tls(_ mode: PostgresLocation.SSLMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .require:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return .require(try NIOSSLContext(configuration: configuration))
        case .verifyFull:
            return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    /// Runs `body` on a connection of the pool; the connection goes back afterwards unless it failed.
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try checkOut()
        do {
            let result = try body(connection)
            checkIn(connection)
            return result
        } catch {
            checkIn(connection, failed: Self.isConnectionFailure(error) || connection.isClosed)
            throw error
        }
    }

    /// Runs one statement and collects its rows, failing the statement if the server does not
    /// answer within the statement timeout (and a little more, for the server's own timeout to
    /// speak first), and at once if the connection closes before it answers.
    ///
    /// The answer is awaited through a promise of the pool's own: PostgresNIO never completes a
    /// statement written to a connection that has already closed (the database went away between
    /// two statements of a transaction), and waiting on its future alone would wait for ever.
    func run(_ query: PostgresQuery, on connection: PostgresConnection) throws -> PostgresQueryResult {
        let answer = connection.eventLoop.makePromise(of: PostgresQueryResult.self)
        // Whichever comes first settles the answer; the others find it settled and do nothing.
        connection.query(query, logger: logger).cascade(to: answer)
        // Runs after the statement's write on the connection's event loop: a connection closed
        // by then has dropped the statement unanswered.
        connection.eventLoop.execute { if connection.isClosed { answer.fail(ChannelError.ioOnClosedChannel) } }
        let expired = NIOLockedValueBox(false)
        let guardTask = connection.eventLoop.scheduleTask(in: .milliseconds(Int64(statementTimeout * 1000) + 5000)) {
            expired.withLockedValue { $0 = true }
            answer.fail(CALError.storage("the database did not answer within \(Int(self.statementTimeout) + 5) s"))
            Self.discard(connection)
        }
        defer { guardTask.cancel() }
        do {
            return try answer.futureResult.wait()
        } catch where expired.withLockedValue({ $0 }) {
            // Not a lost connection to try again on: the database is too slow to answer.
            throw CALError.storage("the database did not answer within \(Int(statementTimeout) + 5) s")
        }
    }

    /// Whether `error` means the connection is gone (rather than that a statement failed).
    static func isConnectionFailure(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return error is ChannelError || error is IOError }
        switch error.code {
        case .server:
            // Administrator shutdown, crash shutdown, cannot connect now: the server went away.
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("57P") || state.hasPrefix("08")
        case .queryCancelled, .tooManyParameters, .invalidCommandTag: return false
        default: return true
        }
    }

    private func checkOut() throws -> PostgresConnection {
        let deadline = Date().addingTimeInterval(acquireTimeout)
        condition.lock()
        while true {
            guard !closed else {
                condition.unlock()
                throw CALError.storage("the connection to the database is closed")
            }
            if let connection = idle.popLast() {
                condition.unlock()
                if connection.isClosed {
                    checkIn(connection, failed: true)
                    condition.lock()
                    continue
                }
                return connection
            }
            if open < size {
                open += 1
                nextID += 1
                let id = nextID
                condition.unlock()
                do {
                    return try PostgresConnection.connect(on: group.next(), configuration: configuration, id: id, logger: logger).wait()
                } catch {
                    condition.lock()
                    open -= 1
                    condition.signal()
                    condition.unlock()
                    throw CALError.storage("cannot reach the database at \(location): \(Self.describe(error))")
                }
            }
            guard condition.wait(until: deadline) else {
                condition.unlock()
                throw CALError.storage("the database is busy: none of its \(size) connections came free within \(Int(acquireTimeout)) s")
            }
        }
    }

    private func checkIn(_ connection: PostgresConnection, failed: Bool = false) {
        condition.lock()
        if failed || closed {
            open -= 1
            Self.discard(connection)
        } else {
            idle.append(connection)
        }
        condition.signal()
        condition.unlock()
    }

    deinit { close() }

    /// Closes a connection without waiting, keeping it alive until it is closed (a connection
    /// released while still open is a programming error to PostgresNIO).
    private static func discard(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Closes every idle connection; callers still running finish and close theirs.
    func close() {
        condition.lock()
        closed = true
        let connections = idle
        idle.removeAll()
        open -= connections.count
        condition.broadcast()
        condition.unlock()
        for connection in connections {
            let closing: EventLoopFuture<Void> = connection.close()
            try? closing.wait()
        }
    }

    /// A PostgreSQL failure in words: the server's message and SQLSTATE, or what broke.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return CALError.reason(describing: error) }
        if let info = error.serverInfo, let message = info[.message] {
            return message + (info[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown: return "the connection closed"
        case .connectionError: return "the connection failed" + (error.underlying.map { ": \(CALError.reason(describing: $0))" } ?? "")
        default: return "\(error.code)" + (error.underlying.map { ": \(CALError.reason(describing: $0))" } ?? "")
        }
    }
}
