import Foundation

/// What a finished process said.
public struct ProcessResult: Sendable {
    /// The exit status (or 128 + signal).
    public var status: Int32
    /// Standard output.
    public var output: String
    /// Standard error.
    public var error: String
    /// Whether the process was killed by a signal (a crash).
    public var crashed: Bool
}

/// Runs the tools tests check CALKit's work with: the `calkit` binary, `openssl`, Python.
public enum ExternalTool {
    /// The repository root, found from this file's path.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The `calkit` binary: `CALKIT_BIN`, or the debug build.
    public static var calkitPath: String {
        ProcessInfo.processInfo.environment["CALKIT_BIN"] ?? repositoryRoot + "/.build/debug/calkit"
    }

    /// The Python with `cryptography` and `pkilint`: `CALKIT_PYTHON`, or the Makefile's venv.
    public static var pythonPath: String {
        ProcessInfo.processInfo.environment["CALKIT_PYTHON"] ?? repositoryRoot + "/.build/venv/bin/python3"
    }

    /// The folder of the venv's scripts (`lint_pkix_cert`, ...).
    public static var venvBin: String {
        (ProcessInfo.processInfo.environment["CALKIT_VENV"] ?? repositoryRoot + "/.build/venv") + "/bin"
    }

    /// Runs an executable with arguments and waits for it.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        in directory: String? = nil,
        environment: [String: String] = [:]
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes before waiting so a chatty process cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = outputPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus,
            output: String(decoding: outputData, as: UTF8.self),
            error: String(decoding: errorData, as: UTF8.self),
            crashed: process.terminationReason == .uncaughtSignal
        )
    }

    /// Runs `calkit` with arguments.
    public static func calkit(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        try run(calkitPath, arguments, in: directory, environment: environment)
    }

    /// Runs `openssl` with arguments.
    public static func openssl(_ arguments: [String], in directory: String? = nil) throws -> ProcessResult {
        try run("/usr/bin/openssl", arguments, in: directory)
    }

    /// Runs the venv's Python with arguments.
    public static func python(_ arguments: [String], in directory: String? = nil) throws -> ProcessResult {
        try run(pythonPath, arguments, in: directory)
    }
}
