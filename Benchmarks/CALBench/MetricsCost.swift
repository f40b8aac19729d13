import Foundation
import Metrics
import Prometheus

/// What `GET /metrics` costs the requests it counts: the four updates Hummingbird's
/// MetricsMiddleware makes per request (active requests up and down, the request counter, the
/// duration histogram), on swift-prometheus as the services bootstrap it, timed in process.
enum MetricsCost {
    /// Nanoseconds per request of metric updates.
    static func nanosecondsPerRequest(requests: Int = 1_000_000) -> Double {
        let factory = PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())
        let dimensions = [("http.route", "/v1/licenses"), ("http.request.method", "POST"), ("http.response.status_code", "200")]
        let active = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", "POST")], factory: factory)
        let counter = Counter(label: "hb.requests", dimensions: dimensions, factory: factory)
        let timer = Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory)
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<requests {
            active.increment()
            counter.increment()
            timer.recordNanoseconds(Int64(1_000_000 + index % 50_000_000))
            active.decrement()
        }
        let elapsed = clock.now - start
        return (Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9) / Double(requests)
    }
}
