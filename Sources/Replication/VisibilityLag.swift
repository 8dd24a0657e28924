import Histogram

/// How long the peer's writes took to become visible on this node: from the write on the peer (its wall
/// clock, in the WRITE TIME ahead of the record) to the end of the read that applied it here.
///
/// A WRITE TIME can be up to `WriteTimeStamper.granularity` older than the writes it covers, so each
/// figure is at most that much above the true lag, never below. Across hosts it also carries the two
/// wall clocks' offset.
public struct VisibilityLag: Sendable {
    /// Longer lags count as this long (a minute, in microseconds).
    public static let longest: UInt64 = 60_000_000

    private var histogram = Histogram<UInt64>(highestTrackableValue: longest, numberOfSignificantValueDigits: .two)
    /// The sum of every recorded lag, for a Prometheus histogram's `_sum`.
    public private(set) var totalMicroseconds: UInt64 = 0

    public init() {}

    /// `count` records written at `writtenAt` became visible at `visibleAt` (both nanoseconds since the Unix
    /// epoch). A peer clock ahead of this one counts as no lag.
    public mutating func record(count: Int, writtenAt: UInt64, visibleAt: UInt64) {
        guard count > 0 else { return }
        let microseconds = min(visibleAt >= writtenAt ? (visibleAt - writtenAt) / 1000 : 0, Self.longest)
        histogram.record(microseconds, count: UInt64(count))
        totalMicroseconds &+= microseconds &* UInt64(count)
    }

    /// Records counted since the start or the last reset.
    public var count: UInt64 { histogram.totalCount }

    /// The lag `percent` of the counted records stayed within, in microseconds; 0 when none were counted.
    public func microseconds(atPercentile percent: Double) -> UInt64 {
        histogram.valueAtPercentile(percent)
    }

    public var maxMicroseconds: UInt64 { histogram.max }

    /// Records whose lag was at most `microseconds` (to the histogram's two significant digits).
    public func count(atMost microseconds: UInt64) -> UInt64 {
        histogram.count(within: 0...microseconds)
    }

    public mutating func reset() {
        histogram.reset()
        totalMicroseconds = 0
    }
}
