import CALCore
import Foundation
import X509

/// The client's local store of licenses: one PEM file per license (license, then its issuer).
public struct LicenseStore: Sendable {
    /// A stored license with the chain it came with.
    public struct Entry: Sendable {
        /// Where it is stored.
        public var path: String
        /// The license certificate.
        public var license: Certificate
        /// The certificates stored after it (the issuing license server's).
        public var chain: [Certificate]
    }

    /// The folder.
    public let folder: String
    /// The key every stored license must certify.
    public let holderKey: Certificate.PublicKey

    /// The subfolder licenses replaced on their seat move to (a renewal, a replacement after a
    /// re-key or a compromise); kept, not deleted, but no longer presented.
    public static let superseded = "superseded"

    /// Stores a license file's certificates (license first). Refuses a license for another key
    /// or a file that is not a client license. Stored licenses of the same server and seat that
    /// the new one replaces move to ``superseded``.
    @discardableResult
    public func install(_ certificates: [Certificate]) throws -> Entry {
        guard let license = certificates.first else {
            throw CALError.malformed(what: "the license file", reason: "it holds no certificate")
        }
        if case .failure(let rejection) = ClientLicenseProfile.check(license) {
            throw CALError.licenseNotForThisClient(rejection.detail)
        }
        guard license.publicKey == holderKey else {
            throw CALError.licenseNotForThisClient("it certifies another key")
        }
        try SecureFile.makeFolder(folder)
        let path = folder + "/" + SerialNumbers.hex(license.serialNumber) + ".pem"
        try SecureFile.write(Array(try PEMBundle.pem(of: certificates).utf8), to: path)
        try retireReplaced(by: license, storedAt: path)
        return Entry(path: path, license: license, chain: Array(certificates.dropFirst()))
    }

    /// Moves aside the stored licenses `license` replaces: those of the same server, key pack and
    /// seat (renewed or replaced), and, when it is permanent, the temporary licenses of the same
    /// server, subject and product it upgrades.
    private func retireReplaced(by license: Certificate, storedAt path: String) throws {
        guard let value = try? LicenseExtension(of: license), value.status == .permanent else { return }
        for case .success(let entry) in try entries() where entry.path != path {
            guard let other = try? LicenseExtension(of: entry.license), other.licenseServerID == value.licenseServerID,
                entry.license.notValidBefore <= license.notValidBefore
            else { continue }
            let sameSeat = value.keyPackID != nil && value.seat != nil && other.keyPackID == value.keyPackID && other.seat == value.seat
            let upgradedTemporary =
                other.status == .temporary && other.subjectHash == value.subjectHash && other.product == value.product
            guard sameSeat || upgradedTemporary else { continue }
            let folder = self.folder + "/" + Self.superseded
            try SecureFile.makeFolder(folder)
            try SecureFile.move(entry.path, to: folder + "/" + URL(fileURLWithPath: entry.path).lastPathComponent)
        }
    }

    /// Every stored license, in file-name order. A stored file that no longer parses is reported
    /// as an error entry by the caller's verifier, so it is returned with its error.
    public func entries() throws -> [Result<Entry, CALError>] {
        guard FileManager.default.fileExists(atPath: folder) else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".pem") }.sorted()
        } catch {
            throw CALError.fileAccess(path: folder, reason: CALError.reason(describing: error))
        }
        return names.map { name in
            let path = folder + "/" + name
            do {
                let certificates = try PEMBundle.certificates(at: path)
                guard let license = certificates.first else {
                    return .failure(CALError.malformed(what: path, reason: "no certificate"))
                }
                return .success(Entry(path: path, license: license, chain: Array(certificates.dropFirst())))
            } catch let error as CALError {
                return .failure(error)
            } catch {
                return .failure(CALError.malformed(what: path, reason: CALError.reason(describing: error)))
            }
        }
    }
}
