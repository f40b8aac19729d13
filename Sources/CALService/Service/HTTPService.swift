import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore

/// Runs a CALKit API as an HTTP service until SIGINT or SIGTERM, finishing requests in flight.
public enum HTTPService {
    /// How many connections a service keeps and for how long.
    public struct ConnectionLimits: Sendable {
        /// Seconds a connection may wait without a request head arriving (after it opened, or after
        /// its last answer) before it is closed: covers idle keep-alive and headers sent too slowly.
        public var idleTimeout: Int
        /// The most connections open at once (``ConnectionGuard``).
        public var maximumConnections: Int

        /// The defaults: 30 s idle, 512 connections (well inside the usual 1,024 open files).
        public static let standard = ConnectionLimits(idleTimeout: 30, maximumConnections: 512)

        /// Limits as given.
        public init(idleTimeout: Int, maximumConnections: Int) {
            self.idleTimeout = idleTimeout
            self.maximumConnections = maximumConnections
        }
    }

    /// Serves `service` at `address`, over https when `tls` is given, within `limits`;
    /// `onRunning` receives the port actually bound (useful with port 0).
    public static func run(
        _ service: some RoutedService,
        at address: ListenAddress,
        tls: TLSIdentity? = nil,
        limits: ConnectionLimits = .standard,
        name: String,
        onRunning: @escaping @Sendable (Int) async -> Void
    ) async throws {
        var logger = Logger(label: name)
        logger.logLevel = .info
        let connectionGuard = ConnectionGuard(limit: limits.maximumConnections)
        let http1: HTTPServerBuilder = .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [connectionGuard.handler()],
                idleTimeout: .seconds(Int64(limits.idleTimeout))
            )
        )
        let server: HTTPServerBuilder = try tls.map { try .tls(http1, tlsConfiguration: $0.configuration) } ?? http1
        let application = Application(
            router: try service.router(),
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port), serverName: name),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? address.port) },
            logger: logger
        )
        try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
