import CALCore
import HTTPTypes
import Hummingbird

/// The routes of one service as they are added: each goes to Hummingbird's router behind the
/// service's middleware, and into the service's ``RouteTable``, so that any other method on a
/// known path is answered 405 with an `Allow` header (RFC 9110) instead of 404.
struct ServiceRoutes {
    /// The router the routes are added to.
    let router: Router<ServiceRequestContext>
    private let table = RouteTable()

    /// A router with the middleware every CALKit service runs: request metrics, one log line per request, the
    /// one place failures become JSON answers, and the body deadline.
    init(bodyLimit: Int) {
        router = Router(context: ServiceRequestContext.self, options: .autoGenerateHeadEndpoints)
        // Metrics first bootstrapped, so Hummingbird's request metrics reach the registry.
        _ = ServiceMetrics.registry
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: JSONErrorMiddleware(routes: table))
        router.add(middleware: BodyDeadlineMiddleware(seconds: BodyDeadlineMiddleware<ServiceRequestContext>.standardSeconds, limit: bodyLimit))
    }

    /// Adds a route for `method` on `path` (Hummingbird's pattern syntax: `{name}`, `**`).
    func add(
        _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping @Sendable (Request, ServiceRequestContext) async throws -> Response
    ) {
        router.on(RouterPath(path), method: method, use: handler)
        table.add(method, path)
    }

    /// The router with every route added.
    func build() -> Router<ServiceRequestContext> { router }
}
