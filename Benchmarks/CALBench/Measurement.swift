import Foundation

/// One measured operation: how many times it ran in how long.
struct Measurement {
    /// What was measured.
    let name: String
    /// Completed operations.
    let operations: Int
    /// Elapsed wall time, in seconds.
    let seconds: Double

    /// Operations per second.
    var perSecond: Double { Double(operations) / seconds }

    /// Runs `body` repeatedly for at least `duration` seconds (after a short warm-up).
    static func run(_ name: String, duration: Double, _ body: () throws -> Void) rethrows -> Measurement {
        for _ in 0..<10 { try body() }
        let clock = ContinuousClock()
        let start = clock.now
        var operations = 0
        var elapsed = 0.0
        repeat {
            for _ in 0..<10 { try body() }
            operations += 10
            let duration = clock.now - start
            elapsed = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        } while elapsed < duration
        return Measurement(name: name, operations: operations, seconds: elapsed)
    }

    /// The async form, for verification.
    static func run(_ name: String, duration: Double, _ body: @Sendable () async throws -> Void) async rethrows -> Measurement {
        for _ in 0..<10 { try await body() }
        let clock = ContinuousClock()
        let start = clock.now
        var operations = 0
        var elapsed = 0.0
        repeat {
            for _ in 0..<10 { try await body() }
            operations += 10
            let duration = clock.now - start
            elapsed = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        } while elapsed < duration
        return Measurement(name: name, operations: operations, seconds: elapsed)
    }
}
