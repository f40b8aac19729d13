import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SecureFile {
    /// The name of the temporary file a write of `name` goes through: hidden, naming the
    /// writing process, so that one a killed process left behind can be told from one in flight.
    static func temporaryName(for name: String) -> String {
        ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    }

    /// Removes the temporary files that writes into `folder` left when their process was killed
    /// (`kill -9`, a power cut) between creating and renaming them. A temporary file is left
    /// alone while the process that made it is alive and for a minute after it was last written
    /// (a process in another PID namespace may still be writing it); after an hour it goes anyway.
    /// Returns the names removed.
    @discardableResult
    public static func removeInterruptedWrites(in folder: String, of name: String? = nil) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        let now = Date().timeIntervalSince1970
        var removed: [String] = []
        for candidate in names where candidate.hasPrefix(".") && candidate.hasSuffix(".tmp") {
            let parts = candidate.dropFirst().dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 3, let pid = pid_t(parts[parts.count - 2]), UInt32(parts[parts.count - 1]) != nil else { continue }
            if let name, parts.dropLast(2).joined(separator: ".") != name { continue }
            guard pid != getpid() else { continue }
            let path = folder + "/" + candidate
            var status = stat()
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
            let age = now - Double(status.st_mtim.tv_sec)
            let writerGone = kill(pid, 0) != 0 && errno == ESRCH
            if (writerGone && age > 60) || age > 3600, unlink(path) == 0 {
                removed.append(candidate)
            }
        }
        return removed
    }
}
