import CALCore
import Foundation
import X509

/// The CRLs and key packs a host keeps from its license server (and the root CRLs its
/// administrator installed). A CRL is used until its next
/// update, then fetched again; packs are fetched when a license names one the host has not seen.
/// While the server cannot be reached, the host goes on with what it holds (a CRL past its next
/// update is dropped rather than refusing every client).
extension SessionHost {
    /// The evidence for a logon at `now`: cached, or refreshed from `source` where it is stale or
    /// lacks one of `packsNamed`.
    func evidence(from source: (any LicenseSource)?, packsNamed: [String], now: Date) async -> HostEvidence {
        var lists = cachedRevocationLists().filter { ($0.nextUpdate ?? .distantFuture) > now }
        if let source, lists.isEmpty, let fetched = try? await source.revocationLists() {
            try? update { try $0.setSetting(Setting.revocationLists, Self.encode(fetched.map(\.derBytes))) }
            lists = fetched.filter { ($0.nextUpdate ?? .distantFuture) > now }
        }
        var packs = await verifiedPacks(cachedPacks(), now: now)
        let missing = packsNamed.contains { packID in !packs.contains { $0.content.keyPackID == packID } }
        if let source, missing, let fetched = try? await source.signedKeyPacks() {
            let verified = await verifiedPacks(fetched, now: now)
            try? update { try $0.setSetting(Setting.keyPacks, Self.encode(verified.map(\.signedBytes))) }
            packs = verified
        }
        let rootLists = rootRevocationLists().filter { ($0.nextUpdate ?? .distantFuture) > now }
        return HostEvidence(revocationLists: lists + rootLists, keyPacks: packs.map(\.content))
    }

    /// The packs among `signed` that verify under the host's roots; others are dropped.
    private func verifiedPacks(_ signed: [[UInt8]], now: Date) async -> [KeyPack] {
        var packs: [KeyPack] = []
        for bytes in signed {
            for root in roots {
                if let pack = try? await KeyPack.verify(bytes, root: root, at: now) {
                    packs.append(pack)
                    break
                }
            }
        }
        return packs
    }

    private func cachedRevocationLists() -> [CertificateRevocationList] {
        Self.decode((try? setting(Setting.revocationLists)) ?? nil).compactMap { try? CertificateRevocationList(derEncoded: $0) }
    }

    private func cachedPacks() -> [[UInt8]] { Self.decode((try? setting(Setting.keyPacks)) ?? nil) }

    static func encode(_ items: [[UInt8]]) -> String {
        items.map { Data($0).base64EncodedString() }.joined(separator: "\n")
    }

    static func decode(_ text: String?) -> [[UInt8]] {
        (text ?? "").split(separator: "\n").compactMap { Data(base64Encoded: String($0)).map { Array($0) } }
    }
}
