import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SecureFile {
    /// Reads a file that holds a secret (a passphrase, a bearer token, a host credential) as text.
    ///
    /// A regular file that users other than its owner may read, write or execute is refused, as
    /// OpenSSH refuses such a private key: the secret in it is no longer a secret. A pipe
    /// (`<(...)`, `/dev/stdin`) is read as it is.
    public static func readSecret(_ path: String) throws -> String {
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_mode & 0o077 != 0 {
            throw CALError.insecurePermissions(path: path, mode: UInt32(status.st_mode))
        }
        return try readText(path)
    }

    /// Throws when `path` is a symbolic link: a rewrite in place would replace the link with a
    /// file and leave the old content, perhaps a plain private key, behind at the link's target.
    public static func refuseSymbolicLink(_ path: String, doing action: String) throws {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        if status.st_mode & S_IFMT == S_IFLNK {
            throw CALError.fileAccess(path: path, reason: "it is a symbolic link; CALKit does not \(action) through a link (name its target)")
        }
    }

    /// Sets `path` to `mode` when it is more open than that, as far as its owner may (a file
    /// CALKit does not own keeps its mode). Used for files other programs create for CALKit,
    /// such as SQLite's database, whose mode follows the umask.
    public static func restrict(_ path: String, to mode: mode_t) {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & 0o777 & ~mode != 0 else { return }
        _ = chmod(path, mode)
    }
}
