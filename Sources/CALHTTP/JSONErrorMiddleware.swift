import HTTPTypes
import Hummingbird

/// Gives every failure the API's JSON shape `{ "error": CODE, "message": ... }`: unknown routes
/// (404), wrong methods (405), bodies over the limit (413) and anything unexpected (500, without
/// details that could leak).
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            if response.status == .notFound, response.headers[.contentType] == nil {
                throw APIError(.notFound, code: "not-found", message: "no such route: \(request.method.rawValue) \(request.uri.path)")
            }
            return response
        } catch let error as APIError {
            throw error
        } catch let error as HTTPResponseError {
            switch error.status {
            case .notFound: throw APIError(.notFound, code: "not-found", message: "no such route: \(request.method.rawValue) \(request.uri.path)")
            case .contentTooLarge: throw APIError(.contentTooLarge, code: "body-too-large", message: "the request body is over the limit")
            case .methodNotAllowed: throw APIError(.methodNotAllowed, code: "method-not-allowed", message: "\(request.method.rawValue) is not allowed here")
            default: throw APIError(error.status, code: "http-\(error.status.code)", message: error.status.reasonPhrase)
            }
        } catch {
            context.logger.error("unexpected failure", metadata: ["type": "\(type(of: error))"])
            throw APIError(.internalServerError, code: "internal", message: "the service failed; see its log")
        }
    }
}
