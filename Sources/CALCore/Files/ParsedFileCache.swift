import Foundation

/// Keeps what was parsed from a file until the file changes, so a long-lived role (a benchmark,
/// later a service) does not re-read and re-parse the same PEM on every request.
///
/// A file counts as changed when its inode, size or modification time changes; CALKit replaces
/// files by rename, which always gives a new inode.
public final class ParsedFileCache<Value: Sendable>: @unchecked Sendable {
    private struct Stamp: Equatable {
        var inode: UInt64
        var size: Int64
        var modified: Double
    }

    private let lock = NSLock()
    private var entry: (stamp: Stamp, value: Value, generation: Int)?
    private var parses = 0

    /// An empty cache.
    public init() {}

    /// The value parsed from `path`, parsing again with `parse` only when the file changed.
    public func value(at path: String, parse: (String) throws -> Value) throws -> Value {
        try valueAndGeneration(at: path, parse: parse).value
    }

    /// The value, with a number that changes whenever it was parsed anew, so that what is
    /// derived from it can be cached in turn.
    public func valueAndGeneration(at path: String, parse: (String) throws -> Value) throws -> (value: Value, generation: Int) {
        let stamp = Self.stamp(of: path)
        if let stamp {
            lock.lock()
            let cached = entry
            lock.unlock()
            if let cached, cached.stamp == stamp { return (cached.value, cached.generation) }
        }
        let value = try parse(path)
        lock.lock()
        parses += 1
        let generation = parses
        if let stamp { entry = (stamp, value, generation) }
        lock.unlock()
        return (value, generation)
    }

    private static func stamp(of path: String) -> Stamp? {
        var information = stat()
        guard stat(path, &information) == 0 else { return nil }
        return Stamp(
            inode: UInt64(information.st_ino),
            size: Int64(information.st_size),
            modified: Double(information.st_mtim.tv_sec) + Double(information.st_mtim.tv_nsec) / 1e9
        )
    }
}
