import Foundation
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

    /// The client's network as a rate-limit key: its IPv4 /24 or IPv6 /64, so that a caller
    /// cannot escape its limit by moving to a neighbouring address ("unknown" without an address).
    var clientKey: String {
        guard let address = remoteAddress?.ipAddress else { return "unknown" }
        return Self.networkPrefix(of: address)
    }

    /// The /24 of an IPv4 address or the /64 of an IPv6 address, as text.
    static func networkPrefix(of address: String) -> String {
        if address.contains(":") {
            guard let parsed = try? SocketAddress(ipAddress: address, port: 0), case .v6(let v6) = parsed else { return address }
            var bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            for index in 8..<16 { bytes[index] = 0 }
            let groups = stride(from: 0, to: 8, by: 2).map { String(format: "%x", UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1])) }
            return groups.joined(separator: ":") + "::/64"
        }
        let octets = address.split(separator: ".")
        guard octets.count == 4 else { return address }
        return octets.prefix(3).joined(separator: ".") + ".0/24"
    }
}
