import Foundation

/// Keeps a value derived from cached inputs until one of them changes, as told by their
/// ``ParsedFileCache`` generations.
public final class DerivedValueCache<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var entry: (inputs: [Int], value: Value)?

    /// An empty cache.
    public init() {}

    /// The value derived for these input generations, deriving it again only when they changed.
    public func value(for inputs: [Int], derive: () throws -> Value) throws -> Value {
        lock.lock()
        let cached = entry
        lock.unlock()
        if let cached, cached.inputs == inputs { return cached.value }
        let value = try derive()
        lock.lock()
        entry = (inputs, value)
        lock.unlock()
        return value
    }
}
