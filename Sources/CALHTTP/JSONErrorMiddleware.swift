import CALCore
import HTTPTypes
import Hummingbird

/// The one place where failures become HTTP answers: every failure gets the API's JSON shape `{ "error": CODE, "message": ... }`: unknown routes
/// (404), wrong methods (405), every ``CALError`` with the status its code calls for, bodies over the limit (413) and anything unexpected (500, without
/// details that could leak).
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            if response.status == .notFound, response.headers[.contentType] == nil {
                throw APIError(CALError(.notFound, "no such route: \(request.method.rawValue) \(request.uri.path)"))
            }
            return response
        } catch let error as APIError {
            throw error
        } catch let error as CALError {
            throw APIError(error)
        } catch let error as HTTPResponseError {
            switch error.status {
            case .notFound: throw APIError(CALError(.notFound, "no such route: \(request.method.rawValue) \(request.uri.path)"))
            case .contentTooLarge: throw APIError(CALError(.bodyTooLarge, "the request body is over the limit"))
            case .methodNotAllowed: throw APIError(CALError(.methodNotAllowed, "\(request.method.rawValue) is not allowed here"))
            default:
                let code: CALError.Code = error.status.code < 500 ? .badRequest : .internalFailure
                throw APIError(error.status, CALError(code, error.status.reasonPhrase))
            }
        } catch {
            context.logger.error("unexpected failure", metadata: ["type": "\(type(of: error))"])
            throw APIError(CALError(.internalFailure, "the service failed; see its log"))
        }
    }
}
