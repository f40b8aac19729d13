import Foundation

/// The passphrase that protects private keys at rest.
///
/// It comes from a file (its first line, as `openssl -passin file:` reads it) or from the
/// `CALKIT_PASSPHRASE` environment variable — never from a command-line argument, which other
/// users of the machine can read in the process list.
public struct Passphrase: Sendable, Equatable {
    /// The environment variable a passphrase may come from.
    public static let environmentVariable = "CALKIT_PASSPHRASE"

    /// The passphrase's UTF-8 bytes.
    public let bytes: [UInt8]

    /// A passphrase from its text; refuses an empty one.
    public init(_ text: String) throws {
        guard !text.isEmpty else { throw CALError.invalidArgument("the passphrase is empty") }
        guard text.utf8.count <= 1024 else { throw CALError.invalidArgument("the passphrase is longer than 1024 bytes") }
        bytes = Array(text.utf8)
    }

    /// The first line of a file, without its line ending. A file others may read is refused
    /// (``CALError/Code/insecurePermissions``).
    public init(file path: String) throws {
        let text = try SecureFile.readSecret(path)
        let firstLine = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).first ?? ""
        do {
            try self.init(String(firstLine))
        } catch {
            throw CALError.invalidArgument("the passphrase file \(path) is empty")
        }
    }

    /// The passphrase given by `--passphrase-file` when set, else by `CALKIT_PASSPHRASE`, else none.
    public static func resolve(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Passphrase? {
        if let file { return try Passphrase(file: file) }
        if let text = environment[environmentVariable] { return try Passphrase(text) }
        return nil
    }
}
