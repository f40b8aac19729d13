import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A peer's network service that the HTTP rows load with the same generator as `calkit server
/// serve`, on loopback: cfssl's sign endpoint, or `openssl ocsp -index` as a responder.
final class PeerService {
    /// The port it listens on, on 127.0.0.1.
    let port: Int
    private let process: Process
    private let folder: String

    private init(process: Process, port: Int, folder: String) {
        self.process = process
        self.port = port
        self.folder = folder
    }

    /// `cfssl serve` with a new P-256 CA and its certificate database in SQLite (WAL), signing
    /// client-auth certificates for 90 days; nil when cfssl is not installed.
    static func cfssl() throws -> PeerService? {
        guard let cfssl = executable("cfssl") else { return nil }
        let folder = try temporaryFolder("cfssl")
        try run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", folder + "/ca-key.pem",
            "-out", folder + "/ca.pem", "-subj", "/CN=cfssl bench CA", "-days", "365",
        ])
        // cfssl's own certdb schema (certdb/sqlite/migrations), in WAL mode as the issue measured it.
        try run(Peers.python, [
            "-c",
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.executescript('''
            PRAGMA journal_mode=WAL;
            CREATE TABLE certificates (serial_number blob NOT NULL, authority_key_identifier blob NOT NULL, ca_label blob,
              status blob NOT NULL, reason int, expiry timestamp, revoked_at timestamp, pem blob NOT NULL,
              PRIMARY KEY(serial_number, authority_key_identifier));
            CREATE TABLE ocsp_responses (serial_number blob NOT NULL, authority_key_identifier blob NOT NULL, body blob NOT NULL,
              expiry timestamp, PRIMARY KEY(serial_number, authority_key_identifier));
            ''')
            db.commit()
            """,
            folder + "/certs.db",
        ])
        try Data(#"{"driver":"sqlite3","data_source":"\#(folder)/certs.db"}"#.utf8).write(to: URL(fileURLWithPath: folder + "/db.json"))
        try Data(#"{"signing":{"default":{"expiry":"2160h","usages":["digital signature","client auth"]}}}"#.utf8)
            .write(to: URL(fileURLWithPath: folder + "/config.json"))
        let port = try freePort()
        return try start(cfssl, [
            "serve", "-address", "127.0.0.1", "-port", String(port), "-ca", folder + "/ca.pem", "-ca-key", folder + "/ca-key.pem",
            "-config", folder + "/config.json", "-db-config", folder + "/db.json", "-loglevel", "2",
        ], port: port, folder: folder)
    }

    /// How many certificates cfssl's database holds (each signed one is recorded).
    func certificatesRecorded() throws -> Int {
        let output = try Self.run(Peers.python, [
            "-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM certificates').fetchone()[0])",
            folder + "/certs.db",
        ])
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// `openssl ocsp -index` answering for one good certificate (`serialHex`) of `issuer`, signing
    /// every response with the issuer's key (one process: OpenSSL's responder has no threads).
    static func opensslOCSP(issuerCertificate issuer: String, issuerKey key: String, serialHex: String) throws -> PeerService? {
        guard let openssl = executable("openssl") else { return nil }
        let folder = try temporaryFolder("openssl-ocsp")
        let index = "V\t301231235959Z\t\t\(serialHex.uppercased())\tunknown\t/CN=bench\n"
        try Data(index.utf8).write(to: URL(fileURLWithPath: folder + "/index.txt"))
        let port = try freePort()
        // Ready when it says so: a connection opened and closed without a request makes OpenSSL
        // 3.0's responder spin at full CPU and answer nothing more, so it is never probed.
        return try start(openssl, [
            "ocsp", "-index", folder + "/index.txt", "-port", String(port), "-rsigner", issuer, "-rkey", key, "-CA", issuer, "-nmin", "60",
        ], port: port, folder: folder, readyLine: "waiting for OCSP client connections")
    }

    /// Stops the service and removes its folder.
    func stop() {
        if process.isRunning {
            // OpenSSL's responder waits for its next connection before it acts on SIGTERM.
            process.terminate()
            let deadline = Date().addingTimeInterval(2)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Starts the service and waits until it is ready: until it writes `readyLine` on standard
    /// error, or else until it accepts a connection.
    private static func start(_ executable: String, _ arguments: [String], port: Int, folder: String, readyLine: String? = nil) throws -> PeerService {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let log = folder + "/service.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = readyLine == nil ? FileHandle.nullDevice : try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        let service = PeerService(process: process, port: port, folder: folder)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if let readyLine {
                if let text = try? String(contentsOfFile: log, encoding: .utf8), text.contains(readyLine) { return service }
            } else if accepts(port: port) {
                return service
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        service.stop()
        throw BenchFailure("\(executable) \(arguments.first ?? "") did not start listening on port \(port)")
    }

    private static func executable(_ name: String) -> String? {
        ["/usr/bin/", "/usr/local/bin/", "/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func temporaryFolder(_ label: String) throws -> String {
        let folder = NSTemporaryDirectory() + "/calbench-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs a setup command to its end; its standard output, or an error if it failed.
    @discardableResult
    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        guard let output = Peers.output(of: executable, arguments) else { throw BenchFailure("\(executable) \(arguments.first ?? "") failed") }
        return output
    }

    /// A port nothing listens on now (the kernel's pick for a socket bound to port 0).
    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw BenchFailure("no socket for a free port") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw BenchFailure("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts connections on the port.
    private static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
