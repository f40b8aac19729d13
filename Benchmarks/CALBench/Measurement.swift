import Foundation

/// One measured operation: how many times it ran in how long.
struct Measurement {
    /// What was measured.
    let name: String
    /// Completed operations.
    let operations: Int
    /// Elapsed wall time, in seconds.
    let seconds: Double

    /// The median of the rounds' rates, when the row was measured in alternating rounds.
    var medianPerSecond: Double?

    /// Operations per second (the median of its rounds when it had some).
    var perSecond: Double { medianPerSecond ?? Double(operations) / seconds }

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

    /// Two rows measured side by side in alternating rounds (A B A B …, `rounds` of each, the
    /// whole taking about `duration` per row), each row's rate the median of its rounds: on a
    /// noisy machine the two see the same conditions, so their ratio holds.
    static func alternating(
        _ first: (name: String, body: @Sendable () async throws -> Void),
        _ second: (name: String, body: @Sendable () async throws -> Void),
        duration: Double,
        rounds: Int = 7
    ) async throws -> (Measurement, Measurement) {
        var results: [[Measurement]] = [[], []]
        for _ in 0..<rounds {
            for (index, row) in [first, second].enumerated() {
                results[index].append(try await run(row.name, duration: duration / Double(rounds), row.body))
            }
        }
        func combined(_ name: String, _ rows: [Measurement]) -> Measurement {
            let rates = rows.map(\.perSecond).sorted()
            var total = Measurement(name: name, operations: rows.reduce(0) { $0 + $1.operations }, seconds: rows.reduce(0) { $0 + $1.seconds })
            total.medianPerSecond = rates[rates.count / 2]
            return total
        }
        return (combined(first.name, results[0]), combined(second.name, results[1]))
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
