extension ReplicationStatus {
    /// Adds the receiving side: what this node applied from its peer and whether it is being refilled.
    public mutating func addIncoming(from applier: ReplicaApplier) {
        resyncInProgress = applier.isFullResyncInProgress
        warming = applier.isWarming
        // The outgoing link learns the peer's node id in WELCOME; before that, the one peer that dialed us.
        let peer = peerNodeID != 0 ? peerNodeID : applier.peerNodeIDs.first
        guard let peer else { return }
        let progress = applier.progress(forPeer: peer)
        peerReplicationID = progress.replicationID
        appliedOffset = progress.nextOffset
        if peerNodeID == 0 { peerNodeID = peer }
    }

    /// Adds the lag of the peer's writes to visibility here, as percentiles of what `lag` counted.
    public mutating func addVisibilityLag(_ lag: VisibilityLag) {
        visibleLagRecords = lag.count
        visibleLagP50 = lag.microseconds(atPercentile: 50)
        visibleLagP99 = lag.microseconds(atPercentile: 99)
        visibleLagP999 = lag.microseconds(atPercentile: 99.9)
        visibleLagMax = lag.maxMicroseconds
    }
}
