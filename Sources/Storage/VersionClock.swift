import Synchronization

/// This node's hybrid logical clock: every version it hands out is above every version it handed out or
/// observed before, and follows the wall clock's milliseconds when that is ahead.
public final class VersionClock: Sendable {
    public let nodeID: UInt32
    private let clock: any CacheClock
    /// The largest timestamp issued or observed.
    private let last = Atomic<UInt64>(0)

    public init(nodeID: UInt32, clock: any CacheClock) {
        self.nodeID = nodeID
        self.clock = clock
    }

    /// A new version: max(now in milliseconds << 16, last + 1).
    public func next() -> Version {
        next(physicalMilliseconds: clock.nowMilliseconds())
    }

    /// `next()` with a clock reading the caller already has; an older reading only costs precision.
    @inline(__always)
    func next(physicalMilliseconds: Int64) -> Version {
        let physical = UInt64(max(physicalMilliseconds, 0)) << 16
        var current = last.load(ordering: .relaxed)
        while true {
            let candidate = max(physical, current &+ 1)
            let (exchanged, original) = last.weakCompareExchange(
                expected: current, desired: candidate, ordering: .relaxed)
            if exchanged { return Version(timestamp: candidate, nodeID: nodeID) }
            current = original
        }
    }

    /// Moves the clock past `version`, so every later `next()` is above it.
    public func observe(_ version: Version) {
        _ = last.max(version.timestamp, ordering: .relaxed)
    }

    /// The largest timestamp issued or observed so far.
    public var lastTimestamp: UInt64 {
        last.load(ordering: .relaxed)
    }
}
