import Foundation
import HTTPTypes

/// Which methods each route pattern of a service takes, filled while the routes are added and
/// read when a request matches no route: a path that exists answers 405 with `Allow` (RFC 9110)
/// for any other method, standard or not; only a path that matches nothing is 404.
final class RouteTable: @unchecked Sendable {
    private let lock = NSLock()
    private var routes: [(pattern: [Substring], methods: [HTTPRequest.Method])] = []

    /// Records that `pattern` (Hummingbird's syntax: `{name}` one segment, `**` the rest) takes `method`.
    func add(_ method: HTTPRequest.Method, _ pattern: String) {
        let segments = Self.segments(of: pattern)
        lock.withLock {
            if let index = routes.firstIndex(where: { $0.pattern == segments }) {
                routes[index].methods.append(method)
            } else {
                routes.append((segments, [method]))
            }
        }
    }

    /// The `Allow` header for `path` (HEAD with GET), or nil when no route matches it.
    func allow(for path: String) -> String? {
        let segments = Self.segments(of: path)
        let methods = lock.withLock { routes.filter { Self.matches($0.pattern, segments) }.flatMap(\.methods) }
        guard !methods.isEmpty else { return nil }
        var allowed = methods
        if allowed.contains(.get) && !allowed.contains(.head) { allowed.append(.head) }
        return allowed.map(\.rawValue).joined(separator: ", ")
    }

    private static func segments(of path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        for (index, part) in pattern.enumerated() {
            if part == "**" { return path.count > index }
            guard index < path.count else { return false }
            if part.hasPrefix("{") && part.hasSuffix("}") { continue }
            if part != path[index] { return false }
        }
        return pattern.count == path.count
    }
}
