import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One child process run to its end, with its own wall time and peak memory. The peak comes from
/// GNU time (`time` package) run between: a child spawned straight from the bench inherits the
/// bench's own peak at exec (Linux carries the old memory's high-water mark over), and
/// RUSAGE_CHILDREN would count the Python that filled a ledger. Without GNU time, `wait4`'s figure.
struct ChildProcess {
    var status: Int32
    var seconds: Double
    var peakMB: Int

    /// Runs `executable` with `arguments`, output discarded; nil if it could not start.
    static func run(_ executable: String, _ arguments: [String]) -> ChildProcess? {
        let timer = "/usr/bin/time"
        let report = NSTemporaryDirectory() + "/calbench-time-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: report) }
        let measured = FileManager.default.isExecutableFile(atPath: timer)
        guard var result = spawn(measured ? timer : executable, measured ? ["-f", "%M", "-o", report, executable] + arguments : arguments) else {
            return nil
        }
        if measured, let text = try? String(contentsOfFile: report, encoding: .utf8),
            let kilobytes = text.split(whereSeparator: \.isNewline).last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
        {
            result.peakMB = kilobytes / 1024
        }
        return result
    }

    private static func spawn(_ executable: String, _ arguments: [String]) -> ChildProcess? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let clock = ContinuousClock()
        let start = clock.now
        guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { return nil }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // WEXITSTATUS, by hand (the macro is not imported).
        let exit = status & 0x7F == 0 ? (status >> 8) & 0xFF : -1
        return ChildProcess(status: exit, seconds: seconds, peakMB: usage.ru_maxrss / 1024)
    }
}
