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
