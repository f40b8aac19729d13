import ArgumentParser
import CALCore
import Foundation

/// `--now`: the instant a command acts at, for tests and simulations; `CALKIT_NOW` in the
/// environment does the same. The wall clock is used only when neither is given.
struct ClockOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Act as if it were this instant (ISO 8601), to walk a deployment through time; CALKIT_NOW does the same.",
            valueName: "time"
        )
    )
    var now: Instant?

    /// Whether the command was given a clock other than the system's.
    var isSimulated: Bool {
        now != nil || !(ProcessInfo.processInfo.environment["CALKIT_NOW"] ?? "").isEmpty
    }

    /// The clock a service runs `home` on: the system clock, unless the home was made for
    /// simulation. A service on a frozen clock would hand out licenses that have already expired,
    /// and one set ahead would free seats early; so a real home refuses `--now` and `CALKIT_NOW`.
    func serviceSource(home path: String, role: RoleHome.Role) throws -> any TimeSource {
        if isSimulated, !(try RoleHome.open(at: path, role: role)).manifest.isSimulation {
            throw CALError(
                .invalidArgument,
                "\(path) keeps real time, so its service runs on the system clock: --now and CALKIT_NOW are for homes made with `init --simulated-clock`",
                context: ["home": path]
            )
        }
        return try source()
    }

    /// The clock the command's roles use.
    func source() throws -> any TimeSource {
        if let now { return FixedTimeSource(now.date) }
        if let text = ProcessInfo.processInfo.environment["CALKIT_NOW"], !text.isEmpty {
            guard let instant = Instant(argument: text) else {
                throw CALError.invalidArgument("CALKIT_NOW=\(text) is not an ISO 8601 instant")
            }
            return FixedTimeSource(instant.date)
        }
        return SystemTimeSource()
    }
}
