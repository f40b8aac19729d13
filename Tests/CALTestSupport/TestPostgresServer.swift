import Foundation

/// A PostgreSQL server of a test's own, to stop and start while services use it (the shared
/// cluster of ``TestPostgres`` serves every other test and is never restarted). It runs in the
/// foreground under `.build/`, on a free loopback port that it keeps across restarts, as the
/// unprivileged user `calkit-postgres` when the tests run as root (PostgreSQL refuses root).
public final class TestPostgresServer: @unchecked Sendable {
    /// The cluster's folder.
    public let folder: String
    /// The port it listens on, across restarts.
    public let port: Int
    private let bin: String
    private var server: Process?

    /// Makes a new cluster (initdb) under `.build/postgres-LABEL/` and starts it, with a database `calkit`.
    public init(label: String = "faults") throws {
        guard let bin = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted(by: { $0.compare($1, options: .numeric) == .orderedAscending }).last.map({ "/usr/lib/postgresql/\($0)/bin" })
        else { throw TestPostgresServerError("no PostgreSQL server is installed (make postgres installs it)") }
        self.bin = bin
        // As root, the cluster belongs to an unprivileged user, who may not reach a checkout
        // under a private home: its files then live under /var/tmp.
        let parent = getuid() == 0 ? "/var/tmp/calkit-postgres-\(label)" : ExternalTool.repositoryRoot + "/.build/postgres-\(label)"
        folder = parent + "/" + UUID().uuidString.prefix(8)
        port = try Self.freePort()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if getuid() == 0 {
            if try ExternalTool.run("/usr/bin/id", ["calkit-postgres"]).status != 0 {
                _ = try ExternalTool.run("/usr/sbin/useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "calkit-postgres"])
            }
            _ = try ExternalTool.run("/usr/bin/chown", ["calkit-postgres", folder])
        }
        let initdb = try ExternalTool.run(
            "/usr/bin/setpriv", Self.asOwner + [bin + "/initdb", "-D", folder + "/data", "-U", "calkit", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
            in: "/"
        )
        guard initdb.status == 0 else { throw TestPostgresServerError("initdb failed: \(initdb.error)") }
        try start()
        let created = try ExternalTool.run(bin + "/createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "calkit", "calkit"])
        guard created.status == 0 else { throw TestPostgresServerError("createdb failed: \(created.error)") }
    }

    /// The server's major version, as its folder names it (`15`).
    public var version: String { URL(fileURLWithPath: bin).deletingLastPathComponent().lastPathComponent }

    /// The URL of database `calkit`.
    public var url: String { "postgresql://calkit@127.0.0.1:\(port)/calkit" }

    /// Starts the server and waits until it accepts connections.
    public func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = Self.asOwner + [
            bin + "/postgres", "-D", folder + "/data", "-p", String(port), "-k", folder, "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=100",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = FileHandle.nullDevice
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        try process.run()
        server = process
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            if try ExternalTool.run(bin + "/pg_isready", ["-h", "127.0.0.1", "-p", String(port), "-q"]).status == 0 { return }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestPostgresServerError("PostgreSQL did not start on port \(port)")
    }

    /// Stops the server as an administrator would restart it (SIGINT: fast shutdown, which
    /// ends every session), and waits for it to be gone.
    public func stop() {
        guard let server, server.isRunning else { return }
        kill(server.processIdentifier, SIGINT)
        server.waitUntilExit()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// `setpriv` arguments that run a command as the cluster's owner (no change when not root).
    private static var asOwner: [String] {
        getuid() == 0 ? ["--reuid=calkit-postgres", "--regid=calkit-postgres", "--init-groups", "--"] : ["--"]
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw TestPostgresServerError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Why the server could not be made or started.
    public struct TestPostgresServerError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
