import CALCore
internal import CALStore
import Foundation

/// Where a license server keeps its ledger, and the nodes that share one.
///
/// A license server on SQLite is one process on one machine. On PostgreSQL it may run as
/// several nodes: homes that name the same ledger and hold the same signing key and chain, so
/// that every node issues, revokes and answers CRL and OCSP requests for every license of the
/// server, and clients see one license server whichever node answered. The ledger records
/// which server it belongs to; a home pointed at another server's ledger does not open.
extension LicenseServer {
    /// The store a home names: its PostgreSQL ledger (which must belong to this server), else
    /// its SQLite file.
    static func openStore(of home: RoleHome) throws -> any LicenseServerStore {
        guard let database = home.manifest.database else { return try SQLiteLicenseServerStore(path: home.file(Files.store)) }
        return try PostgresLicenseServerStore.open(url: database, for: "license server \(home.manifest.id ?? "")")
    }

    /// The PostgreSQL ledger this server's nodes share, as its homes record it; nil on SQLite.
    public var database: String? { home.manifest.database }

    /// Makes `path` a new node of this license server: a home naming the same PostgreSQL
    /// ledger, with copies of the signing key (0600, under the same passphrase), the chain,
    /// the trust anchor and, from a telephone activation, the clearinghouse's signing
    /// certificate. Refuses a server on SQLite (its ledger is a file one machine opens) and
    /// one not activated yet (activate first: the chain is part of what a node serves with).
    public func addNode(at path: String) throws -> LicenseServer {
        guard home.manifest.database != nil else {
            throw CALError.invalidArgument(
                "a license server whose ledger is a SQLite file runs as one node; create it with a PostgreSQL ledger to run several"
            )
        }
        _ = try activeIssuer()
        let node = try RoleHome.create(at: path, manifest: home.manifest)
        try copyIdentity(to: node)
        return try LicenseServer(home: path, time: time, passphrase: passphrase)
    }

    /// Brings the node at `path` up to this node's key and chain after a rotation completed
    /// here: the new key, chain and trust anchor, and the retired keys that keep signing CRLs
    /// and OCSP answers for the licenses they signed. A service running on that node picks the
    /// files up as they are replaced. Refuses a home that is not a node of this server.
    public func refreshNode(at path: String) throws -> LicenseServer {
        let node = try RoleHome.open(at: path, role: .server)
        guard home.manifest.database != nil, node.manifest.id == serverID, node.manifest.database == home.manifest.database else {
            throw CALError.invalidArgument("\(path) is not a node of license server \(serverID) on its ledger")
        }
        _ = try activeIssuer()
        try copyIdentity(to: node)
        return try LicenseServer(home: path, time: time, passphrase: passphrase)
    }

    /// Copies what a node signs with into `node`: the key (0600, as encrypted as it is here),
    /// the chain, the trust anchor, the clearinghouse's signing certificate if kept, and every
    /// retired key and chain.
    private func copyIdentity(to node: RoleHome) throws {
        var files = [Files.key, Files.chain, Files.trustAnchor, Files.clearinghouseSigner]
        let retired = (try? FileManager.default.contentsOfDirectory(atPath: home.file(Files.retired))) ?? []
        if !retired.isEmpty { try SecureFile.makeFolder(node.file(Files.retired)) }
        files += retired.filter { !$0.hasPrefix(".") }.map { Files.retired + "/" + $0 }
        for file in files {
            let source = home.file(file)
            guard FileManager.default.fileExists(atPath: source) else { continue }
            try SecureFile.write(try SecureFile.read(source), to: node.file(file), mode: file.hasSuffix(Files.key) ? 0o600 : 0o644)
        }
    }
}
