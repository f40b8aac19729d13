import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File reads and writes with the errors and permissions CALKit promises.
///
/// Writes go to a temporary file in the same folder, are flushed, and are renamed into place,
/// so a reader never sees half a file and a crash never leaves one.
public enum SecureFile {
    /// The largest file CALKit reads; anything larger is not one of its artefacts.
    public static let maximumSize = 16 * 1024 * 1024

    /// Reads a whole file.
    public static func read(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CALError.fileNotFound(path: path)
        }
        guard !isDirectory.boolValue else {
            throw CALError.fileAccess(path: path, reason: "it is a folder, not a file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CALError.fileAccess(path: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: maximumSize + 1) ?? Data()
            guard data.count <= maximumSize else {
                throw CALError.malformed(what: path, reason: "larger than \(maximumSize) bytes")
            }
            return Array(data)
        } catch let error as CALError {
            throw error
        } catch {
            throw CALError.fileAccess(path: path, reason: CALError.reason(describing: error))
        }
    }

    /// Reads a whole file as UTF-8 text.
    public static func readText(_ path: String) throws -> String {
        let bytes = try read(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CALError.malformed(what: path, reason: "not text (binary data where PEM was expected)")
        }
        return text
    }

    /// Writes `bytes` to `path` atomically with the given mode.
    ///
    /// - Parameter overwrite: when false, an existing file is an error and stays untouched.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, overwrite: Bool = true) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CALError.fileAccess(path: path, reason: "the folder \(folder) does not exist")
        }
        if !overwrite && FileManager.default.fileExists(atPath: path) {
            throw CALError.fileAccess(path: path, reason: "the file exists; CALKit does not overwrite it")
        }
        removeInterruptedWrites(in: folder, of: url.lastPathComponent)
        let temporary = folder + "/" + temporaryName(for: url.lastPathComponent)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else {
            throw CALError.fileAccess(path: path, reason: String(cString: strerror(errno)))
        }
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            while written < buffer.count {
                let result = Foundation.write(descriptor, base + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += result
            }
        }
        if failure == 0 && fchmod(descriptor, mode) != 0 { failure = errno }
        if failure == 0 && fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        guard failure == 0 else {
            unlink(temporary)
            throw CALError.fileAccess(path: path, reason: String(cString: strerror(failure)))
        }
        if overwrite {
            guard rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw CALError.fileAccess(path: path, reason: reason)
            }
        } else {
            // link(2) fails if the target exists, so a concurrent writer cannot be clobbered.
            let result = link(temporary, path)
            let linkError = errno
            unlink(temporary)
            guard result == 0 else {
                throw CALError.fileAccess(path: path, reason: String(cString: strerror(linkError)))
            }
        }
    }

    /// Checks, before any state changes, that `path` can be written: its folder exists and it is
    /// not itself a folder. Commands call this first so a bad `--out` never costs a seat or an activation.
    public static func checkWritable(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CALError.fileAccess(path: path, reason: "the folder \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else {
            throw CALError.fileAccess(path: path, reason: "the folder \(folder) is not writable")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CALError.fileAccess(path: path, reason: "it is a folder")
        }
    }

    /// Moves a file by rename, never over an existing file (for retiring keys: nothing is lost).
    public static func move(_ path: String, to destination: String) throws {
        // link(2) then unlink(2): the destination is never clobbered, and the file exists under
        // at least one name at every moment.
        guard link(path, destination) == 0 else {
            throw CALError.fileAccess(path: destination, reason: "cannot move \(path) here: \(String(cString: strerror(errno)))")
        }
        guard unlink(path) == 0 else {
            throw CALError.fileAccess(path: path, reason: "moved to \(destination) but cannot remove it: \(String(cString: strerror(errno)))")
        }
    }

    /// Creates a folder (and its parents) with mode 0700 if it does not exist yet.
    /// A folder that exists already is made 0700 too, whatever the umask made it.
    public static func makeFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: path,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw CALError.fileAccess(path: path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        restrict(path, to: 0o700)
    }
}
