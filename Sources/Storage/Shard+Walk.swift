extension Shard {
    /// Empty buckets one walk step may pass per entry of its limit, so a step over a sparse table stays short.
    private static let bucketsPerWalkEntry = 16
    private static let minimumWalkBuckets = 4096

    /// Calls `body` with every live item and every tombstone deleted after `tombstoneCutoff`, whole buckets at a
    /// time in bit-reversed bucket order from `startBucket`, until about `limit` entries have been examined.
    /// Returns the bucket to resume from, nil when the shard is done.
    func forEachState(
        from startBucket: Int, limit: Int, tombstoneCutoff: Int64, context: OperationContext,
        _ body: (ItemState) -> Void
    ) -> Int? {
        var bucket = startBucket
        var examined = 0
        var bucketsLeft = max(limit * Self.bucketsPerWalkEntry, Self.minimumWalkBuckets)
        while true {
            var candidate = index.firstItem(inBucket: bucket & (index.bucketCount - 1))
            while let entry = candidate {
                candidate = entry.pointee.chainNext
                examined += 1
                if entry.isTombstone {
                    if entry.pointee.lastAccess > tombstoneCutoff { body(entry.state()) }
                } else if !context.liveness.isExpired(entry) && !context.liveness.isFlushed(entry) {
                    body(entry.state())
                }
            }
            bucketsLeft -= 1
            guard let next = index.bucketAfterInReversedOrder(bucket) else { return nil }
            bucket = next
            if examined >= limit || bucketsLeft <= 0 { return bucket }
        }
    }
}
