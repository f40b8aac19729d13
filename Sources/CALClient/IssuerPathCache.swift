import CALCore
import Foundation
import Synchronization
import X509

/// License-server certificates already verified up to a trusted root, for as long as both are
/// valid: a license from a known issuer then costs one signature check (its own) instead of the
/// whole RFC 5280 path again. Shared by every verifier of the process (a host makes one per
/// logon), keyed by the two certificates themselves, so a different issuer or root (a new key,
/// a rotated server, another root) is never taken for a cached one. Each issuer's license-server
/// id is kept the same way. (A CRL remembers the keys its own signature verified with.)
final class IssuerPathCache: Sendable {
    /// The process's cache.
    static let shared = IssuerPathCache()

    /// Paths kept at most; the cache starts over when full (a host sees a handful of issuers).
    static let capacity = 256

    /// A certificate as a key, hashed by its signature alone (hashing whole certificates cost as
    /// much as a tenth of a verification); equal only when the certificates are.
    private struct CertificateKey: Hashable {
        let certificate: Certificate

        func hash(into hasher: inout Hasher) { hasher.combine(certificate.signature) }
    }

    private struct PathKey: Hashable {
        let issuer: CertificateKey
        let root: CertificateKey

        init(issuer: Certificate, root: Certificate) {
            self.issuer = CertificateKey(certificate: issuer)
            self.root = CertificateKey(certificate: root)
        }
    }

    private struct State {
        /// When each verified issuer→root path holds: both certificates valid.
        var paths: [PathKey: ClosedRange<Date>] = [:]
        /// The license-server id each issuer certificate carries (nil: not a license server's).
        var serverIDs: [CertificateKey: String?] = [:]
    }

    private let state = Mutex(State())

    /// The root among `roots` that `issuer` was verified to chain to, at `time`; nil if none was.
    func root(for issuer: Certificate, among roots: [Certificate], at time: Date) -> Certificate? {
        state.withLock { state in
            roots.first { root in state.paths[PathKey(issuer: issuer, root: root)]?.contains(time) == true }
        }
    }

    /// Records that `issuer` chains to `root` under RFC 5280 (checked at some instant inside both
    /// validities): it holds for every instant inside both.
    func remember(issuer: Certificate, root: Certificate) {
        let from = max(issuer.notValidBefore, root.notValidBefore)
        let until = min(issuer.notValidAfter, root.notValidAfter)
        guard from <= until else { return }
        state.withLock { state in
            if state.paths.count >= Self.capacity { state.paths.removeAll() }
            state.paths[PathKey(issuer: issuer, root: root)] = from...until
        }
    }

    /// ``LicenseServerProfile/serverID(of:)``, read once per certificate.
    func serverID(of issuer: Certificate) -> String? {
        let key = CertificateKey(certificate: issuer)
        if let known = state.withLock({ $0.serverIDs[key] }) { return known }
        let serverID = LicenseServerProfile.serverID(of: issuer)
        state.withLock { state in
            if state.serverIDs.count >= Self.capacity { state.serverIDs.removeAll() }
            state.serverIDs[key] = .some(serverID)
        }
        return serverID
    }
}
