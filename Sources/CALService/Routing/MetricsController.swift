import CALCore
import CALWire
import Hummingbird

/// `GET /metrics`: the process's metrics for Prometheus, with the figures `scrape` records from
/// the ledger first (off the request path: only a scrape reads them). Behind the operator's
/// token when the service has one; open otherwise, like the status.
struct MetricsController: Sendable {
    let token: BearerToken?
    /// Records the figures read at scrape time.
    let scrape: @Sendable () throws -> Void

    func add(to routes: ServiceRoutes) {
        routes.add(.get, WirePath.metrics) { request, _ in
            if let token { try BearerToken.authorize(request, with: token) }
            try await LedgerWork.run { try scrape() }
            return .bytes(ServiceMetrics.text(), type: MediaType.prometheusText)
        }
    }
}
