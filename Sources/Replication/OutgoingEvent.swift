/// What the event loop tells an `OutgoingStream`.
public enum OutgoingEvent: Equatable, Sendable {
    /// Begin dialing; sent once at startup.
    case start
    /// The `connect` action succeeded.
    case connected
    case frameReceived(ReplicationFrame)
    /// Local writes entered the backlog.
    case backlogAppended
    /// The connection's output can take this many more bytes now (replaces the previous figure).
    case writableSpace(bytes: Int)
    /// A `sendWalkChunk` was performed: `nextBucket` is what `Cache.forEachState` returned
    /// (`nil` when the shard is done), `bytes` what its frames took.
    case walkChunkSent(nextBucket: Int?, bytes: Int)
    /// The connection failed or closed, or the `connect` action failed.
    case disconnected(reason: String)
    case timerFired
    /// The peer just dialed this node: it is up, so a link waiting out its backoff dials now.
    case peerReachable
}
