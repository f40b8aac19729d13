import Metrics
import Prometheus

/// The process's metrics, for `GET /metrics` in Prometheus's text format. swift-metrics is
/// bootstrapped once with a Prometheus registry, so what Hummingbird records (requests and
/// their latency per route, method and status), what the ledger records (commits, writers per
/// batch, time to commit and sync) and the OCSP cache's hits and misses all land in it; the
/// figures a scrape reads from the ledger (seats free, CRL age) are recorded when scraped.
enum ServiceMetrics {
    /// The registry every metric of the process is kept in (bootstrapped on first use).
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// Every metric, in Prometheus's text format.
    static func text() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return buffer
    }
}
