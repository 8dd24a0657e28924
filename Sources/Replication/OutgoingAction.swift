/// What an `OutgoingStream` asks the event loop to do, in order.
public enum OutgoingAction: Equatable, Sendable {
    /// Dial the peer; answer with `connected` or `disconnected`.
    case connect
    /// Write these control-frame bytes.
    case send([UInt8])
    /// Write exactly `length` backlog bytes starting at `fromOffset` (the backlog still holds them).
    case sendBacklog(fromOffset: UInt64, length: Int)
    /// A full resync starts at backlog offset `fromOffset`: write a FLUSH frame of the current flush mark now.
    case startFullSync(fromOffset: UInt64)
    /// Run `Cache.forEachState(shard:startBucket:limit:)`, write an ITEM or TOMBSTONE frame per state,
    /// then report `walkChunkSent`.
    case sendWalkChunk(shard: Int, startBucket: Int, limit: Int)
    /// The link is up; log a warning when it is not authenticated.
    case handshakeCompleted(peerName: String, authenticated: Bool, mode: StreamMode)
    /// Close the connection; do not report `disconnected` for it.
    case close(reason: String)
    /// Fire `timerFired` after this delay, then expect a `connect` request.
    case scheduleReconnect(after: Duration)
    /// Fire `timerFired` after this delay (the handshake deadline).
    case scheduleTimer(after: Duration)
}
