import CALClient
import CALCore
import CALHost
import Foundation

/// A deployment with a session host bound to its license server, on a clock a test moves.
public struct HostSite: Sendable {
    /// The clock every role runs on.
    public let clock: MovingTimeSource
    /// The clearinghouse and license server.
    public let deployment: Deployment
    /// The host, bound to the deployment's server in process.
    public let host: SessionHost

    /// A site with `packs` installed and a host in `mode`.
    public static func make(packs: [(LicenseType, Int)], mode: LicenseType = .perDevice) async throws -> HostSite {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: packs, time: clock)
        return HostSite(clock: clock, deployment: deployment, host: try deployment.host(mode: mode, time: clock))
    }

    /// Logs `client` on twice, a minute apart (a temporary license, then a permanent CAL) through
    /// `source` (the deployment's server when nil); returns the second decision.
    public func logOnTwice(_ client: ClientIdentity, through source: (any LicenseSource)? = nil) async throws -> LogonDecision {
        _ = try await host.logon(client, user: nil, source: source ?? deployment.server)
        clock.now = clock.now.addingTimeInterval(60)
        return try await host.logon(client, user: nil, source: source ?? deployment.server)
    }
}
