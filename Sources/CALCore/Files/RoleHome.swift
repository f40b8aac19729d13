import Foundation

/// A role's state folder (`--home DIR`): keys, certificates, the store, and `role.json`, which
/// says which role lives there so a command pointed at the wrong folder says so.
public struct RoleHome: Sendable {
    /// The roles that keep a home folder.
    public enum Role: String, Codable, Sendable {
        case clearinghouse
        case server
        case client
        case host
    }

    /// What `role.json` records.
    public struct Manifest: Codable, Sendable, Equatable {
        /// The role that owns the folder.
        public var role: Role
        /// A display name (clearinghouse and license server).
        public var name: String?
        /// The license-server id (license server) or device id (client).
        public var id: String?
        /// The key type of the role's current key.
        public var keyType: KeyType
        /// Whether the home was made for simulation, so that a service may run it on a clock
        /// other than the system's (tests, demonstrations). Absent means no.
        public var simulatedClock: Bool?
        /// The URL of the PostgreSQL ledger the role keeps its state in (never with a
        /// password); absent means the SQLite file in the home. Every node of one license
        /// server names the same ledger.
        public var database: String?

        /// Creates a manifest.
        public init(
            role: Role, name: String? = nil, id: String? = nil, keyType: KeyType, simulatedClock: Bool = false, database: String? = nil
        ) {
            self.role = role
            self.name = name
            self.id = id
            self.keyType = keyType
            self.simulatedClock = simulatedClock ? true : nil
            self.database = database
        }

        /// Whether the home was made for simulation.
        public var isSimulation: Bool { simulatedClock == true }
    }

    /// The folder.
    public let path: String
    /// What the folder holds.
    public let manifest: Manifest

    /// The path of a file inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Makes `path` a new home for a role. Refuses a folder that already holds one.
    public static func create(at path: String, manifest: Manifest) throws -> RoleHome {
        try SecureFile.makeFolder(path)
        let manifestPath = path + "/role.json"
        guard !FileManager.default.fileExists(atPath: manifestPath) else {
            throw CALError.alreadyInitialized(home: path)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(manifest)
        try SecureFile.write(Array(data) + [0x0A], to: manifestPath, mode: 0o644, overwrite: false)
        return RoleHome(path: path, manifest: manifest)
    }

    /// Opens the home of `role` at `path`, removing what writes a killed process left unfinished.
    public static func open(at path: String, role: Role) throws -> RoleHome {
        let manifestPath = path + "/role.json"
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            throw CALError.notInitialized(home: path, role: role.rawValue)
        }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(try SecureFile.read(manifestPath)))
        } catch let error as CALError {
            throw error
        } catch {
            throw CALError.malformed(what: manifestPath, reason: CALError.reason(describing: error))
        }
        guard manifest.role == role else {
            throw CALError.invalidArgument("\(path) is a \(manifest.role.rawValue) home, not a \(role.rawValue) home")
        }
        let home = RoleHome(path: path, manifest: manifest)
        home.removeInterruptedWrites()
        return home
    }

    /// Removes temporary files that interrupted writes left in the home and its folders.
    private func removeInterruptedWrites() {
        SecureFile.removeInterruptedWrites(in: path)
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for folder in folders where !folder.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file(folder), isDirectory: &isDirectory), isDirectory.boolValue {
                SecureFile.removeInterruptedWrites(in: file(folder))
            }
        }
    }
}
