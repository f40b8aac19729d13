import Hummingbird
import NIOCore

/// The request context of CALKit's services: Hummingbird's, plus the client's address for rate limits.
public struct ServiceRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connected client's address.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as a rate-limit key ("unknown" when the transport has none).
    var clientKey: String { remoteAddress?.ipAddress ?? "unknown" }
}
