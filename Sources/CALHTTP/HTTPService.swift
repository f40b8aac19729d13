import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore

/// Runs a CALKit API as an HTTP service until SIGINT or SIGTERM, finishing requests in flight.
public enum HTTPService {
    /// Serves `router` at `address`, over https when `tls` is given; `onRunning` receives the
    /// port actually bound (useful with port 0).
    public static func run(
        _ router: Router<ServiceRequestContext>,
        at address: ListenAddress,
        tls: TLSIdentity? = nil,
        name: String,
        onRunning: @escaping @Sendable (Int) async -> Void
    ) async throws {
        var logger = Logger(label: name)
        logger.logLevel = .info
        let server: HTTPServerBuilder = try tls.map { try .tls(.http1(), tlsConfiguration: $0.configuration) } ?? .http1()
        let application = Application(
            router: router,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port), serverName: name),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? address.port) },
            logger: logger
        )
        try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
