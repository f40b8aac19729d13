import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// TCP connections to 127.0.0.1 that are opened and then say nothing: the crowd a careless or
/// hostile client leaves on a service.
public final class SilentClients: @unchecked Sendable {
    /// The open descriptors.
    public private(set) var descriptors: [Int32] = []

    /// Opens `count` connections to `port`; those the service refuses at once still count as opened.
    public init(port: Int, count: Int) throws {
        for _ in 0..<count {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw RunningService.RunningServiceError(message: "socket() failed") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                close(descriptor)
                throw RunningService.RunningServiceError(message: "connect() failed: \(String(cString: strerror(errno)))")
            }
            descriptors.append(descriptor)
        }
    }

    /// How many of the connections the service has closed (reading gives end-of-file or a reset).
    public func closedByService() -> Int {
        descriptors.filter { descriptor in
            var byte: UInt8 = 0
            let flags = fcntl(descriptor, F_GETFL)
            _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
            let result = recv(descriptor, &byte, 1, 0)
            return result == 0 || (result < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        }.count
    }

    deinit { descriptors.forEach { close($0) } }
}
