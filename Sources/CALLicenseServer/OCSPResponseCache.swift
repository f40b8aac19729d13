import CALCore
internal import CALStore
import CoreMetrics
import Foundation
import Synchronization

/// Signed OCSP responses kept per certificate, as Let's Encrypt and cfssl keep pre-signed ones:
/// a request without a nonce about one certificate is answered with the response signed
/// before, as long as the ledger still says what it says (a revocation makes it stale at once)
/// and less than half its validity has passed. A miss signs. A request with a nonce asked for
/// a fresh response and always gets one.
final class OCSPResponseCache: Sendable {
    /// Responses kept at most; the cache starts over when full.
    static let capacity = 100_000

    struct Key: Hashable {
        let issuerKeyID: String
        let certificateID: OCSPCertificateID
        let validityHours: Int
    }

    struct Entry {
        /// The response, DER.
        let bytes: [UInt8]
        /// What the ledger said of the certificate when it was signed (nil: not issued here).
        let status: LicenseRecordStatus?
        /// After this, it is signed again.
        let freshUntil: Date
    }

    private let entries = Mutex<[Key: Entry]>([:])
    private let counts = Mutex<(hits: Int, misses: Int)>((0, 0))

    /// The kept response for `key`, if it still states `status` at `now`.
    func response(for key: Key, status: LicenseRecordStatus?, at now: Date) -> [UInt8]? {
        let entry = entries.withLock { $0[key] }
        let hit = entry.flatMap { $0.status == status && now < $0.freshUntil ? $0.bytes : nil }
        counts.withLock { hit == nil ? ($0.misses += 1) : ($0.hits += 1) }
        Counter(label: hit == nil ? "calkit_ocsp_cache_misses_total" : "calkit_ocsp_cache_hits_total").increment()
        return hit
    }

    /// Keeps `bytes` for `key`: it states `status`, was produced at `producedAt` and is valid for `validity` seconds.
    func keep(_ bytes: [UInt8], for key: Key, status: LicenseRecordStatus?, producedAt: Date, validity: TimeInterval) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[key] = Entry(bytes: bytes, status: status, freshUntil: producedAt.addingTimeInterval(validity / 2))
        }
    }

    /// Requests answered from the cache and signed anew since the server started.
    var statistics: (hits: Int, misses: Int) { counts.withLock { $0 } }
}
