import Protocol

/// Puts WRITE TIME frames into a node's outgoing stream, ahead of the records written then, so the
/// peer can measure how long each write takes to become visible on it (`VisibilityLag`).
///
/// The frames live in the backlog with the records, so records sent again after a reconnect keep
/// their times. A write within `granularity` of the last stamp shares it: the stamp is then up to
/// that much older than the write, so the lag measured is never less than the true one.
public struct WriteTimeStamper {
    /// 50 µs, in nanoseconds: a stamp per write would add a third to the bytes of 32-byte sets.
    public static let granularity: UInt64 = 50_000

    private var lastStamp: UInt64?
    private let frame = ByteBuffer(capacity: 64)

    public init() {}

    /// Records written at `now` (wall clock, nanoseconds since the Unix epoch) are about to be
    /// appended to `backlog`: a WRITE TIME goes first unless a recent one covers them.
    public mutating func stamp(_ backlog: Backlog, writtenAt now: UInt64) {
        if let lastStamp, now >= lastStamp, now - lastStamp < Self.granularity { return }
        lastStamp = now
        frame.removeAll()
        FrameEncoder.appendWriteTime(unixNanoseconds: now, to: frame)
        backlog.append(frame)
    }
}
