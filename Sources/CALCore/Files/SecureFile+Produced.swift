import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SecureFile {
    /// Makes a file at `path` by letting `produce` write it at a temporary path in the same
    /// folder (created empty with `mode`), then flushes it and puts it in place, never over an
    /// existing file. A failure or a crash leaves no half-made file at `path`.
    public static func produce(_ path: String, mode: mode_t = 0o600, _ produce: (_ temporary: String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        try checkWritable(path)
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CALError.fileAccess(path: path, reason: "the file exists; CALKit does not overwrite it")
        }
        removeInterruptedWrites(in: folder, of: url.lastPathComponent)
        let temporary = folder + "/" + temporaryName(for: url.lastPathComponent)
        let created = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard created >= 0 else { throw CALError.fileAccess(path: path, reason: String(cString: strerror(errno))) }
        fchmod(created, mode)
        close(created)
        do {
            try produce(temporary)
            let descriptor = open(temporary, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0, fsync(descriptor) == 0 else {
                let reason = String(cString: strerror(errno))
                if descriptor >= 0 { close(descriptor) }
                throw CALError.fileAccess(path: path, reason: reason)
            }
            close(descriptor)
            // link(2) fails if the target exists, so a concurrent writer cannot be clobbered.
            guard link(temporary, path) == 0 else { throw CALError.fileAccess(path: path, reason: String(cString: strerror(errno))) }
        } catch {
            unlink(temporary)
            throw error
        }
        unlink(temporary)
        // The new name on stable storage too: a license handed out survives a power cut.
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }
}
