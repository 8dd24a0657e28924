/// What an `IncomingStream` asks the event loop to do, in order.
public enum IncomingAction: Equatable, Sendable {
    /// Write these frame bytes (WELCOME, ACK or ERROR) to the dialer.
    case send([UInt8])
    /// The link is up; log a warning when it is not authenticated.
    case handshakeCompleted(peerName: String, authenticated: Bool)
    /// Call `timerFired` after this delay (a batched ack is due).
    case scheduleTimer(after: Duration)
    /// `count` records are now visible here; they were written on the peer at `writtenAt` or shortly after
    /// (wall clock, nanoseconds since the Unix epoch). The caller reads the clock and records the lag.
    case recordsVisible(count: Int, writtenAt: UInt64)
    /// Close the connection, after writing what was sent before.
    case close(reason: String)
}
