import Foundation

/// Where a role reads "now" from. Only the CLI's entry point picks the system clock; tests and
/// simulations pass a fixed or moving one.
public protocol TimeSource: Sendable {
    /// The current instant.
    var now: Date { get }
}

/// The wall clock.
public struct SystemTimeSource: TimeSource {
    /// Creates the wall clock.
    public init() {}
    public var now: Date { Date() }
}

/// A clock that always says the same instant.
public struct FixedTimeSource: TimeSource {
    /// The instant this clock reports.
    public var now: Date
    /// Creates a clock stopped at `now`.
    public init(_ now: Date) { self.now = now }
}
