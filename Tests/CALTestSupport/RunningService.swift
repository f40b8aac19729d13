import Foundation

/// A long-running process a test starts, such as `calkit server serve`, stopped when the test ends.
public final class RunningService: @unchecked Sendable {
    private let process = Process()
    private let outputPipe = Pipe()
    private let errorPipe = Pipe()
    private let lock = NSLock()
    private var output = ""
    private var errorOutput = ""
    /// The port the service reported in its `listening on http(s)://HOST:PORT` line.
    public private(set) var port = 0
    /// `http` or `https`, as the service reported.
    public private(set) var scheme = "http"

    /// Starts `executable` and waits (up to `timeout` seconds) for it to say where it listens.
    public init(_ executable: String, _ arguments: [String], in directory: String, timeout: TimeInterval = 60) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = FileHandle.nullDevice
        outputPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.output += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
        // Keep the log (standard error), read as it comes so a chatty service never blocks on a full pipe.
        errorPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.errorOutput += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            lock.lock()
            let text = output
            lock.unlock()
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on http") }),
                let port = Int(line.split(separator: ":").last ?? "")
            {
                self.port = port
                scheme = line.hasPrefix("listening on https://") ? "https" : "http"
                return
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        stop()
        throw RunningServiceError(message: "the service did not start: \(output)")
    }

    /// What the service logged on standard error so far.
    public var log: String {
        lock.lock()
        defer { lock.unlock() }
        return errorOutput
    }

    /// Whether the log holds `text` within `timeout` seconds (the log arrives asynchronously).
    public func logContains(_ text: String, within timeout: TimeInterval = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if log.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return false
    }

    /// Whether the service is still running (not crashed, not stopped).
    public var isRunning: Bool { process.isRunning }

    /// The service's process id (to attach a tracer to it).
    public var processIdentifier: Int32 { process.processIdentifier }

    /// The base URL.
    public var url: String { "\(scheme)://127.0.0.1:\(port)" }

    /// Sends SIGTERM and returns at once (the service finishes what it is doing); `stop()` waits.
    public func terminate() {
        if process.isRunning { process.terminate() }
    }

    /// Kills the service with SIGKILL, as a crash or a pulled plug would, and waits.
    public func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Stops the service with SIGTERM and waits; returns its exit status. A service still
    /// running a minute later is killed (its status then says so): a shutdown that hangs fails
    /// the test that stopped it, rather than hanging the suite.
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        outputPipe.fileHandleForReading.readabilityHandler = nil
        if errorPipe.fileHandleForReading.readabilityHandler != nil {
            errorPipe.fileHandleForReading.readabilityHandler = nil
            // The service has exited: what it logged last is still in the pipe.
            let rest = errorPipe.fileHandleForReading.readDataToEndOfFile()
            lock.lock()
            errorOutput += String(decoding: rest, as: UTF8.self)
            lock.unlock()
        }
        return process.terminationStatus
    }

    deinit { stop() }

    /// Why the service did not start.
    public struct RunningServiceError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}
