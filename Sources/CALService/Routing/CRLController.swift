import CALWire
import Foundation
import Hummingbird

/// `GET /crl` (or `/crl/delta`): a service's current CRL (DER), made again only when what it
/// lists changed (the stamp) or it nears its next update, so that fetching it neither signs nor
/// consumes a CRL number on every request.
struct CRLController: Sendable {
    /// Where it is served.
    let path: String
    /// What the CRL depends on: changes whenever a revocation or an issuer does.
    let stamp: @Sendable () throws -> String
    /// A new CRL, DER.
    let make: @Sendable () throws -> [UInt8]
    private let cache = PublishedCRLCache()

    /// Seconds since the CRL served was made (for operators' metrics); nil before the first.
    func age(at now: Date) -> TimeInterval? { cache.age(at: now) }

    init(path: String = WirePath.crl, stamp: @escaping @Sendable () throws -> String, make: @escaping @Sendable () throws -> [UInt8]) {
        self.path = path
        self.stamp = stamp
        self.make = make
    }

    /// The CRL to serve now: the one kept, or a new one. Making one consumes a CRL number: a
    /// write, so callers run it where writes wait.
    func current() throws -> [UInt8] {
        try cache.value(stamp: try stamp(), now: Date(), make: make)
    }

    func add(to routes: ServiceRoutes) {
        routes.add(.get, path) { [self] _, _ in
            .bytes(try await LedgerWork.run { try current() }, type: MediaType.crl)
        }
    }
}
