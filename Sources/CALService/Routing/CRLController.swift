import CALWire
import Foundation
import Hummingbird

/// `GET /crl`: a service's current CRL (DER), made again only when what it lists changed (the
/// stamp) or it nears its next update, so that fetching it neither signs nor consumes a CRL
/// number on every request.
struct CRLController: Sendable {
    /// What the CRL depends on: changes whenever a revocation or an issuer does.
    let stamp: @Sendable () throws -> String
    /// A new CRL, DER.
    let make: @Sendable () throws -> [UInt8]
    private let cache = PublishedCRLCache()

    /// Seconds since the CRL served was made (for operators' metrics); nil before the first.
    func age(at now: Date) -> TimeInterval? { cache.age(at: now) }

    init(stamp: @escaping @Sendable () throws -> String, make: @escaping @Sendable () throws -> [UInt8]) {
        self.stamp = stamp
        self.make = make
    }

    func add(to routes: ServiceRoutes) {
        routes.add(.get, WirePath.crl) { _, _ in
            let (cache, stamp, make) = (cache, stamp, make)
            // Making one consumes a CRL number: a write, done where writes wait.
            return .bytes(try await LedgerWork.run { try cache.value(stamp: try stamp(), now: Date(), make: make) }, type: MediaType.crl)
        }
    }
}
