import CALCore
import Foundation

/// A clock a test moves by hand.
public final class MovingTimeSource: TimeSource, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    /// A clock at `start`.
    public init(_ start: Date) { current = start }

    /// The instant the test last set.
    public var now: Date {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}
