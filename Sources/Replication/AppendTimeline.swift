/// When the bytes of an outgoing stream were appended, coarsely: lag in time is the age of the oldest append the
/// peer has not acknowledged, which stays true under a steady stream of writes that the peer never fully catches.
///
/// One mark per `resolution` at most: a mark holds the time of the first append in its interval and the stream's
/// end after the last one, so the age it gives is at most `resolution` too old. Past `markLimit` marks (a long
/// outage), the newest mark takes every later append and only the tail grows coarser.
public struct AppendTimeline {
    public static let resolution = Duration.milliseconds(1)
    public static let markLimit = 4096

    private var marks: [(end: UInt64, at: ContinuousClock.Instant)] = []
    /// Marks before this one are acknowledged; they are dropped in bulk.
    private var first = 0

    public init() {}

    /// The stream grew to `end` at `now`.
    public mutating func appended(upTo end: UInt64, now: ContinuousClock.Instant) {
        // `acknowledged` empties `marks` once every mark is acked, so a last mark is always unacked.
        if let last = marks.last, now - last.at < Self.resolution || marks.count - first >= Self.markLimit {
            marks[marks.count - 1].end = max(last.end, end)
        } else {
            marks.append((end, now))
        }
    }

    /// The peer has everything before `offset`.
    public mutating func acknowledged(upTo offset: UInt64) {
        while first < marks.count, marks[first].end <= offset { first += 1 }
        if first == marks.count {
            marks.removeAll(keepingCapacity: true)
            first = 0
        } else if first >= 1024 {
            marks.removeFirst(first)
            first = 0
        }
    }

    /// When the oldest append the peer has not acknowledged happened; nil when it has them all.
    public var oldestUnacknowledged: ContinuousClock.Instant? {
        first < marks.count ? marks[first].at : nil
    }
}
