extension Shard {
    /// How many items at the LRU tail are checked for an expired one before evicting a live one.
    private static let tailSearchDepth = 5
    /// Empty buckets the sweep may pass per item of budget, so one step over a sparse table stays short.
    private static let bucketsPerBudgetItem = 16
    private static let minimumBucketScan = 4096

    /// Reserves `bytes` with the accountant, freeing room from this shard's LRU tail (never `protecting`) while
    /// the cache is full. False when nothing more can be freed here.
    mutating func reserve(_ bytes: Int, protecting: ItemPointer?, context: OperationContext) -> Bool {
        while !context.accountant.tryReserve(bytes) {
            if freeOneFromTail(protecting: protecting, context: context) == 0 { return false }
        }
        return true
    }

    /// Frees one item near the LRU tail: an expired or flushed one among the last few if any (reclaimed), else the
    /// oldest tombstone, else, with eviction enabled, the tail itself (evicted). Tombstones go even under `-M`:
    /// they are bookkeeping, not data a client stored. Returns the bytes freed, 0 if nothing could be freed.
    mutating func freeOneFromTail(protecting: ItemPointer?, context: OperationContext) -> Int {
        var candidate = lru.tail
        var examined = 0
        while let item = candidate, examined < Self.tailSearchDepth {
            if item != protecting && (context.liveness.isExpired(item) || context.liveness.isFlushed(item)) {
                let counters = counters(of: item)
                counters.pointee.reclaimed += 1
                if !item.fetched { counters.pointee.expiredUnfetched += 1 }
                let size = item.totalSize
                remove(item, context: context)
                return size
            }
            candidate = item.pointee.lruPrevious
            examined += 1
        }
        if var tombstone = tombstones.tail {
            if tombstone == protecting, let previous = tombstone.pointee.lruPrevious { tombstone = previous }
            if tombstone != protecting {
                let size = tombstone.totalSize
                removeTombstone(tombstone, context: context)
                return size
            }
        }
        guard context.evictionEnabled, var victim = lru.tail else { return 0 }
        if victim == protecting {
            guard let previous = victim.pointee.lruPrevious else { return 0 }
            victim = previous
        }
        let counters = counters(of: victim)
        counters.pointee.evictions += 1
        if victim.pointee.expiresAt != 0 { counters.pointee.evictedNonzero += 1 }
        if !victim.fetched { counters.pointee.evictedUnfetched += 1 }
        counters.pointee.evictedTime = context.now - victim.pointee.lastAccess
        let size = victim.totalSize
        remove(victim, context: context)
        return size
    }

    /// Frees at least `bytes` from this shard's tail for a store in another shard; returns the bytes freed.
    mutating func free(atLeast bytes: Int, context: OperationContext) -> Int {
        var freed = 0
        while freed < bytes {
            let released = freeOneFromTail(protecting: nil, context: context)
            if released == 0 { break }
            freed += released
        }
        return freed
    }

    /// Examines up to `budget` entries from bucket `startBucket` on, removing expired and flushed items and
    /// tombstones deleted at or before `tombstoneCutoff` (the background sweep). Stops inside a bucket when the
    /// budget runs out; that bucket is examined again next time. `removed` counts items only.
    mutating func sweep(
        from startBucket: Int, budget: Int, tombstoneCutoff: Int64, context: OperationContext
    ) -> (removed: Int, examined: Int, nextBucket: Int) {
        var bucket = startBucket
        var removed = 0
        var examined = 0
        let bucketLimit = min(
            index.bucketCount, startBucket + max(budget * Self.bucketsPerBudgetItem, Self.minimumBucketScan))
        scan: while bucket < bucketLimit {
            var candidate = index.firstItem(inBucket: bucket)
            while let item = candidate {
                if examined == budget {
                    // A chain longer than the whole budget is left partly unexamined rather than retried forever.
                    if bucket == startBucket { bucket += 1 }
                    break scan
                }
                candidate = item.pointee.chainNext
                examined += 1
                if item.isTombstone {
                    if item.pointee.lastAccess <= tombstoneCutoff { removeTombstone(item, context: context) }
                    continue
                }
                let expired = context.liveness.isExpired(item)
                let flushed = !expired && context.liveness.isFlushed(item)
                if expired || flushed {
                    let counters = counters(of: item)
                    counters.pointee.crawlerReclaimed += 1
                    if !item.fetched && !flushed { counters.pointee.expiredUnfetched += 1 }
                    remove(item, context: context)
                    removed += 1
                }
            }
            bucket += 1
        }
        return (removed, examined, bucket)
    }
}
