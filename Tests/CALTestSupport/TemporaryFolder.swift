import Foundation

/// A fresh folder under the system's temporary directory, one per test.
public struct TemporaryFolder: Sendable {
    /// The folder's path.
    public let path: String

    /// Creates a new, empty folder.
    public init(_ label: String = "calkit") throws {
        path = NSTemporaryDirectory() + "/\(label)-\(UUID().uuidString.prefix(12))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes bytes to a file inside the folder, readable by its owner only (as passphrase and
    /// token files must be; CALKit refuses them otherwise), and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let target = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
        return target
    }

    /// Writes text to a file inside the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    /// The bytes of a file inside the folder (or of any path).
    public func read(_ name: String) throws -> [UInt8] {
        let target = name.hasPrefix("/") ? name : file(name)
        return Array(try Data(contentsOf: URL(fileURLWithPath: target)))
    }
}
