import Protocol

/// Puts WRITE TIME frames into a node's outgoing stream, so the peer can measure how long writes take
/// to become visible on it (`VisibilityLag`).
///
/// It remembers when the first write appended since the last stamp was made. A send of the backlog
/// that starts where a frame starts leads with that time, which is then no later than any write it
/// carries; a send that reaches the backlog's end starts the next stamp. Sends that continue a split
/// frame carry none, and neither do records sent again after a reconnect, whose times are gone.
public struct WriteTimeStamper: Sendable {
    /// When the oldest write not yet stamped was made (wall clock, nanoseconds since the Unix epoch).
    public private(set) var unstampedSince: UInt64?
    /// Where the last send that reached the backlog's end ended: a frame boundary, and everything
    /// before it has been stamped once.
    private var stampedEnd: UInt64

    public init(startOffset: UInt64 = 0) {
        stampedEnd = startOffset
    }

    /// Whether the next append should report its time: only the first after a stamp does.
    public var wantsWriteTime: Bool { unstampedSince == nil }

    /// Records were appended at `writtenAt`.
    public mutating func appended(writtenAt: UInt64) {
        if unstampedSince == nil { unstampedSince = writtenAt }
    }

    /// Copies `backlog`'s bytes from `offset`, up to `maxLength`, to `buffer`, behind a WRITE TIME
    /// where one belongs; returns how many backlog bytes it copied.
    public mutating func copy(from offset: UInt64, maxLength: Int, of backlog: Backlog, to buffer: ByteBuffer) -> Int {
        var copied = 0
        if offset < stampedEnd {
            copied = backlog.copy(from: offset, maxLength: min(maxLength, Int(stampedEnd - offset)), to: buffer)
        }
        let start = offset + UInt64(copied)
        if start == stampedEnd, copied < maxLength, let unstampedSince {
            FrameEncoder.appendWriteTime(unixNanoseconds: unstampedSince, to: buffer)
        }
        copied += backlog.copy(from: start, maxLength: maxLength - copied, to: buffer)
        if offset + UInt64(copied) == backlog.endOffset {
            unstampedSince = nil
            stampedEnd = backlog.endOffset
        }
        return copied
    }
}
