/// Everything both directions of a node's replication need to know about the node.
public struct ReplicationConfiguration: Sendable {
    public var identity: NodeIdentity
    /// Random and new at every start, never 0 (0 means "nothing applied" in WELCOME).
    public var replicationID: UInt64
    public var secret: ReplicationSecret?
    public var mode: ReplicationMode
    /// The peer as configured (`--peer`), shown until the handshake names it.
    public var peerAddress: String
    /// Shards of the local `Cache`, walked in order during a full resync.
    public var shardCount: Int
    /// Entries a walk chunk examines (`Cache.forEachState`'s limit): bounds how long it holds a shard's lock.
    public var walkChunkLimit: Int
    public var handshakeTimeout: Duration
    public var backoff: ReconnectBackoff
    /// Async mode acks when this many bytes are unacked... Its acks only feed the dialer's lag figures, and
    /// each one costs both nodes a wake-up, so under load they come about once per interval.
    public var ackBytes: UInt64
    /// ...or when this long has passed since the last ack.
    public var ackInterval: Duration
    public var decoder: FrameDecoder

    public init(
        identity: NodeIdentity, replicationID: UInt64, secret: ReplicationSecret? = nil, mode: ReplicationMode = .async,
        peerAddress: String = "", shardCount: Int, walkChunkLimit: Int = 256,
        handshakeTimeout: Duration = .seconds(5),
        backoff: ReconnectBackoff = ReconnectBackoff(), ackBytes: UInt64 = 1 << 20,
        ackInterval: Duration = .milliseconds(10), decoder: FrameDecoder = FrameDecoder()
    ) {
        precondition(replicationID != 0, "replication id 0 means none")
        self.identity = identity
        self.replicationID = replicationID
        self.secret = secret
        self.mode = mode
        self.peerAddress = peerAddress
        self.shardCount = shardCount
        self.walkChunkLimit = walkChunkLimit
        self.handshakeTimeout = handshakeTimeout
        self.backoff = backoff
        self.ackBytes = ackBytes
        self.ackInterval = ackInterval
        self.decoder = decoder
    }
}
