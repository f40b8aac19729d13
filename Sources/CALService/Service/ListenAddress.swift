import CALCore

/// Where a service listens: `HOST:PORT`, loopback by default; port 0 picks a free port.
public struct ListenAddress: Sendable, Equatable {
    /// The host name or address.
    public var host: String
    /// The port (0: any free port).
    public var port: Int

    /// Parses `HOST:PORT` or `[IPv6]:PORT`.
    public init(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw CALError.invalidArgument("a listen address is HOST:PORT, for example 127.0.0.1:8750")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw CALError.invalidArgument("a listen address needs a host, for example 127.0.0.1:8750") }
        self.host = host
        self.port = port
    }
}
