import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// Keeps a service answering when connections pile up: at most ``limit`` are open at once.
///
/// A connection past the limit makes room by closing the connection that has waited longest
/// without a request in progress (one that never sent a request, or sits idle between requests);
/// when every open connection is busy with a request, the new one is closed at once instead.
/// So a crowd of silent connections cannot lock clients with real requests out, and the service
/// never runs out of file descriptors. Idle connections are also closed after the idle timeout
/// by Hummingbird (see ``HTTPService``).
public final class ConnectionGuard: @unchecked Sendable {
    /// The most connections open at once.
    public let limit: Int
    private let lock = NSLock()
    private var connections: [ObjectIdentifier: Entry] = [:]

    private struct Entry {
        let channel: any Channel
        var busy: Bool
        var idleSince: UInt64
    }

    /// A guard for at most `limit` open connections.
    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// A handler for one connection's pipeline.
    public func handler() -> Handler { Handler(guard: self) }

    fileprivate func opened(_ channel: any Channel) {
        var victim: (any Channel)?
        lock.withLock {
            guard connections[ObjectIdentifier(channel)] == nil else { return }
            let now = DispatchTime.now().uptimeNanoseconds
            if connections.count >= limit {
                let idlest = connections.filter { !$0.value.busy }.min { $0.value.idleSince < $1.value.idleSince }
                if let idlest {
                    connections[idlest.key] = nil
                    victim = idlest.value.channel
                } else {
                    victim = channel
                    return
                }
            }
            connections[ObjectIdentifier(channel)] = Entry(channel: channel, busy: false, idleSince: now)
        }
        victim?.close(promise: nil)
    }

    fileprivate func closed(_ channel: any Channel) {
        _ = lock.withLock { connections.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    fileprivate func mark(_ channel: any Channel, busy: Bool) {
        lock.withLock {
            connections[ObjectIdentifier(channel)]?.busy = busy
            if !busy { connections[ObjectIdentifier(channel)]?.idleSince = DispatchTime.now().uptimeNanoseconds }
        }
    }

    /// Tells the guard when a connection opens, starts a request, finishes its answer and closes.
    public final class Handler: ChannelDuplexHandler, RemovableChannelHandler {
        public typealias InboundIn = HTTPRequestPart
        public typealias InboundOut = HTTPRequestPart
        public typealias OutboundIn = HTTPResponsePart
        public typealias OutboundOut = HTTPResponsePart

        private let connectionGuard: ConnectionGuard

        init(guard connectionGuard: ConnectionGuard) {
            self.connectionGuard = connectionGuard
        }

        public func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { connectionGuard.opened(context.channel) }
        }

        public func channelActive(context: ChannelHandlerContext) {
            connectionGuard.opened(context.channel)
            context.fireChannelActive()
        }

        public func channelInactive(context: ChannelHandlerContext) {
            connectionGuard.closed(context.channel)
            context.fireChannelInactive()
        }

        public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head = unwrapInboundIn(data) { connectionGuard.mark(context.channel, busy: true) }
            context.fireChannelRead(data)
        }

        public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) { connectionGuard.mark(context.channel, busy: false) }
            context.write(data, promise: promise)
        }
    }
}
