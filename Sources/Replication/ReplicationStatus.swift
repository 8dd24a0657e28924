import Protocol

/// One node's replication as `stats replication` shows it.
///
/// `OutgoingStream.status` fills the sending side; the server adds the applied offset, peer
/// replication id and resync flag from its `ReplicaApplier`, and its degraded-write count.
public struct ReplicationStatus: Equatable, Sendable {
    public var state = ""
    /// The peer's node name once a handshake named it, its address before.
    public var peer = ""
    public var nodeName = ""
    public var nodeID: UInt32 = 0
    public var peerNodeID: UInt32 = 0
    /// This node's replication id.
    public var replicationID: UInt64 = 0
    /// The peer's replication id this node last applied records of.
    public var peerReplicationID: UInt64 = 0
    /// The end of this node's outgoing stream.
    public var offset: UInt64 = 0
    public var sentOffset: UInt64 = 0
    public var ackedOffset: UInt64 = 0
    /// The next offset wanted from the peer's stream.
    public var appliedOffset: UInt64 = 0
    /// Bytes of this node's stream the peer has not acked.
    public var lagBytes: UInt64 = 0
    /// Records of this node's stream the peer has not acked.
    public var lagRecords: UInt64 = 0
    /// Age of the oldest write in this node's stream the peer has not acked; 0 when caught up.
    public var lagMilliseconds: UInt64 = 0
    public var fullResyncs: UInt64 = 0
    public var partialResyncs: UInt64 = 0
    public var reconnects: UInt64 = 0
    /// Sync-mode writes answered without the peer's ack.
    public var degradedWrites: UInt64 = 0
    /// Whether this node is being refilled by a full resync from its peer.
    public var resyncInProgress = false
    /// Whether this node still waits for its first resync from the peer; `/health` answers 503 meanwhile.
    public var warming = false
    /// Read-through of local misses while warming: found on the peer, not there either, no answer in time.
    public var readThroughHits: UInt64 = 0
    public var readThroughMisses: UInt64 = 0
    public var readThroughTimeouts: UInt64 = 0
    /// The peer's writes since the start or `stats reset`: how many were measured, and how long they took
    /// from the write on the peer to being visible here (`VisibilityLag`), in microseconds.
    public var visibleLagRecords: UInt64 = 0
    public var visibleLagP50: UInt64 = 0
    public var visibleLagP99: UInt64 = 0
    public var visibleLagP999: UInt64 = 0
    public var visibleLagMax: UInt64 = 0
    public var lastError = ""

    public init() {}

    /// Name and value of every line, in the order `stats replication` prints them.
    public var lines: [(name: String, value: String)] {
        [
            ("repl_state", state),
            ("repl_peer", peer),
            ("repl_node", nodeName),
            ("repl_node_id", String(nodeID)),
            ("repl_peer_node_id", String(peerNodeID)),
            ("repl_id", String(replicationID)),
            ("repl_peer_id", String(peerReplicationID)),
            ("repl_offset", String(offset)),
            ("repl_sent_offset", String(sentOffset)),
            ("repl_acked_offset", String(ackedOffset)),
            ("repl_applied_offset", String(appliedOffset)),
            ("repl_lag_bytes", String(lagBytes)),
            ("repl_lag_records", String(lagRecords)),
            ("repl_lag_ms", String(lagMilliseconds)),
            ("repl_full_resyncs", String(fullResyncs)),
            ("repl_partial_resyncs", String(partialResyncs)),
            ("repl_reconnects", String(reconnects)),
            ("repl_degraded_writes", String(degradedWrites)),
            ("repl_resync_in_progress", resyncInProgress ? "1" : "0"),
            ("repl_warming", warming ? "1" : "0"),
            ("repl_read_through_hits", String(readThroughHits)),
            ("repl_read_through_misses", String(readThroughMisses)),
            ("repl_read_through_timeouts", String(readThroughTimeouts)),
            ("repl_visible_lag_records", String(visibleLagRecords)),
            ("repl_visible_lag_p50_us", String(visibleLagP50)),
            ("repl_visible_lag_p99_us", String(visibleLagP99)),
            ("repl_visible_lag_p999_us", String(visibleLagP999)),
            ("repl_visible_lag_max_us", String(visibleLagMax)),
            ("repl_last_error", lastError),
        ]
    }

    /// Appends `STAT name value\r\n` lines; line breaks inside a value would end the reply early.
    public func appendStats(to output: ByteBuffer) {
        for line in lines {
            output.append("STAT ")
            output.append(line.name)
            output.append(" ")
            output.append(String(line.value.map { $0.isNewline ? " " : $0 }))
            output.append("\r\n")
        }
    }
}
