import CALCore
import HTTPTypes
import Hummingbird

/// Reads a request's body before its route runs, within a deadline and a size limit: a client
/// that sends its request head and then trickles or withholds the body cannot hold a connection
/// (and the request's resources) for longer than ``seconds``. The route then reads the body
/// from memory.
struct BodyDeadlineMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The deadline every CALKit service gives a body.
    static var standardSeconds: Int { 10 }
    /// The longest the body may take to arrive.
    let seconds: Int
    /// The largest body accepted.
    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post || request.method == .put else { return try await next(request, context) }
        var request = request
        let limit = self.limit
        let seconds = self.seconds
        let stream = request.body
        let body = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await stream.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let body = first else {
                throw CALError(.requestTimeout, "the request body did not arrive within \(seconds) s")
            }
            return body
        }
        request.body = RequestBody(buffer: body)
        return try await next(request, context)
    }
}
