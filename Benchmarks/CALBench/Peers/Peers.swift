import Foundation

/// The peers `make bench` measures beside CALKit in the same run: Python `cryptography` minting
/// the same profile, and `openssl ca -gencrl` and `cfssl gencrl` over the same revocation counts
/// (the network peers are ``PeerService``). Each runs as its
/// own process (scripts beside this file) and prints `key=value` figures.
enum Peers {
    /// The folder of the peer scripts.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path

    /// The Python with `cryptography`: `CALKIT_PYTHON`, or the Makefile's venv.
    static var python: String {
        if let path = ProcessInfo.processInfo.environment["CALKIT_PYTHON"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        return root + "/.build/venv/bin/python3"
    }

    /// Python `cryptography`'s in-memory minting rate of the client-license profile; nil when
    /// Python or the package is missing.
    static func pythonMintRate(seconds: Double) -> Double? {
        run(python, [folder + "/python_mint.py", String(seconds)])["python_mint_per_s"]
    }

    /// `openssl ca -gencrl` over `entries` revoked certificates: seconds and peak memory (MB).
    static func opensslCRL(entries: Int) -> (seconds: Double, peakMB: Double)? {
        let figures = run(python, [folder + "/openssl_crl.py", String(entries)])
        guard let seconds = figures["openssl_crl_s"], let peak = figures["openssl_crl_peak_rss_mb"] else { return nil }
        return (seconds, peak)
    }

    /// `cfssl gencrl` over `entries` revoked serials: seconds and peak memory (MB); nil without cfssl.
    static func cfsslCRL(entries: Int) -> (seconds: Double, peakMB: Double)? {
        let figures = run(python, [folder + "/cfssl_crl.py", String(entries)])
        guard let seconds = figures["cfssl_crl_s"], let peak = figures["cfssl_crl_peak_rss_mb"] else { return nil }
        return (seconds, peak)
    }

    /// Fills the ledger at `path` with `count` revoked licenses of its active issuer; false if it could not.
    static func fillLedger(_ path: String, revoked count: Int) -> Bool {
        run(python, [folder + "/ledger_fill.py", path, String(count)])["filled"] == Double(count)
    }

    /// Runs a peer and reads the `key=value` numbers it prints; empty if it could not run.
    static func run(_ executable: String, _ arguments: [String]) -> [String: Double] {
        guard FileManager.default.isExecutableFile(atPath: executable), let output = output(of: executable, arguments) else { return [:] }
        var figures: [String: Double] = [:]
        for pair in output.split(whereSeparator: \.isWhitespace) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Double(parts[1]) { figures[String(parts[0])] = value }
        }
        return figures
    }

    /// What a command prints on standard output, run to its end; nil if it could not start or failed.
    static func output(of executable: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? output : nil
    }
}
