import CALCore
import HTTPTypes
import Hummingbird

/// The one place where failures become HTTP answers, all in the API's JSON shape
/// `{ "error": CODE, "message": ... }` with the status ``CALWire/ErrorStatus`` gives the code:
/// every ``CALError`` a controller or the library throws, unknown routes (404), methods a path
/// does not take (405, with `Allow`), bodies over the limit (413) and anything unexpected (500,
/// without details that could leak).
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The service's routes, to tell a wrong method (405) from a path that does not exist (404).
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            if response.status == .notFound, response.headers[.contentType] == nil { return notRouted(request) }
            return response
        } catch let error as CALError {
            return .error(error)
        } catch let error as HTTPResponseError {
            switch error.status {
            case .notFound: return notRouted(request)
            case .contentTooLarge: return .error(CALError(.bodyTooLarge, "the request body is over the limit"))
            default:
                let code: CALError.Code = error.status.code < 500 ? .badRequest : .internalFailure
                var response = Response.error(CALError(code, error.status.reasonPhrase))
                response.status = error.status
                return response
            }
        } catch {
            context.logger.error("unexpected failure", metadata: ["type": "\(type(of: error))"])
            return .error(CALError(.internalFailure, "the service failed; see its log"))
        }
    }

    /// 405 with `Allow` when the path exists with other methods, else 404.
    private func notRouted(_ request: Request) -> Response {
        guard let allow = routes.allow(for: request.uri.path) else {
            return .error(CALError(.notFound, "no such route: \(request.method.rawValue) \(request.uri.path)"))
        }
        var headers = HTTPFields()
        headers[.allow] = allow
        return .error(CALError(.methodNotAllowed, "\(request.method.rawValue) is not allowed here; use \(allow)"), headers: headers)
    }
}
