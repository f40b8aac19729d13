import CALCore
import HTTPTypes
import Hummingbird

/// The routes of one service as they are added: each goes to Hummingbird's router behind the
/// service's middleware, and is remembered so that every other method on a known path is
/// answered 405 with an `Allow` header (RFC 9110) instead of 404.
struct ServiceRoutes {
    /// The router the routes are added to.
    let router: Router<ServiceRequestContext>
    private var methodsByPath: [String: [HTTPRequest.Method]] = [:]
    private var paths: [String] = []

    /// The methods a request may name that a route could be missing (HEAD comes with GET).
    private static let knownMethods: [HTTPRequest.Method] = [.get, .head, .post, .put, .delete, .patch, .options, .trace, .connect]

    /// A router with the middleware every CALKit service runs: one log line per request, the
    /// one place failures become JSON answers, and the body deadline.
    init(bodyLimit: Int) {
        router = Router(context: ServiceRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: BodyDeadlineMiddleware(seconds: BodyDeadlineMiddleware<ServiceRequestContext>.standardSeconds, limit: bodyLimit))
    }

    /// Adds a route for `method` on `path` (Hummingbird's pattern syntax: `{name}`, `**`).
    mutating func add(
        _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping @Sendable (Request, ServiceRequestContext) async throws -> Response
    ) {
        router.on(RouterPath(path), method: method, use: handler)
        if methodsByPath[path] == nil { paths.append(path) }
        methodsByPath[path, default: []].append(method)
    }

    /// The router, with a 405 answer for every method a known path does not take.
    func build() -> Router<ServiceRequestContext> {
        for path in paths {
            var allowed = methodsByPath[path] ?? []
            if allowed.contains(.get) { allowed.append(.head) }
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            for method in Self.knownMethods where !allowed.contains(method) {
                router.on(RouterPath(path), method: method) { request, _ -> Response in
                    throw MethodNotAllowed(method: request.method.rawValue, allow: allow)
                }
            }
        }
        return router
    }
}

/// A request with a method its path does not take; the error middleware answers it 405 with
/// the `Allow` header.
struct MethodNotAllowed: Error {
    /// The method asked for.
    let method: String
    /// The methods the path takes, as the `Allow` header lists them.
    let allow: String
}
