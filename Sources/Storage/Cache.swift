import Synchronization

/// A sharded, memory-bounded item store with memcached 1.6 semantics.
///
/// Keys hash to one of `shardCount` shards, each behind its own lock; no operation holds two shard locks.
public final class Cache: @unchecked Sendable {
    /// How often a store or incr that needs memory evicts from other shards before giving up.
    static let evictionRounds = 8
    /// Longest key memcached accepts.
    static let maximumKeyLength = 250
    /// Hash buckets a shard starts with; the index doubles as it fills.
    private static let initialBucketsPerShard = 1024

    public let configuration: CacheConfiguration
    private let clock: any CacheClock
    let shards: ShardTable
    private let shardMask: Int
    private let accountant: MemoryAccountant
    private let uniques = CasSequence()
    private let sizeClasses: SizeClassTable
    /// `flush_all` marks: see `ItemLiveness`.
    private let oldestLive = Atomic<Int64>(0)
    private let oldestCas = Atomic<UInt64>(0)
    /// Where the background sweep resumes: shard and hash bucket.
    private let sweepCursor = Mutex<(shard: Int, bucket: Int)>((0, 0))
    /// Spreads evictions on behalf of other shards over all shards.
    private let evictionCursor = Atomic<Int>(0)

    public init(configuration: CacheConfiguration, clock: any CacheClock) {
        var shardCount = 1
        while shardCount < configuration.shardCount { shardCount <<= 1 }
        var configuration = configuration
        configuration.shardCount = shardCount
        self.configuration = configuration
        self.clock = clock
        shardMask = shardCount - 1
        accountant = MemoryAccountant(limit: configuration.memoryLimit)
        sizeClasses = SizeClassTable(itemSizeMax: configuration.itemSizeMax)
        let classCount = sizeClasses.count
        shards = ShardTable(count: shardCount) { _ in
            Shard(classCount: classCount, initialBuckets: Self.initialBucketsPerShard)
        }
    }

    @inline(__always)
    func shardIndex(_ hash: UInt64) -> Int {
        // The high bits pick the shard; the hash index uses the low bits for buckets.
        Int(truncatingIfNeeded: hash >> 40) & shardMask
    }

    @inline(__always)
    func makeContext() -> OperationContext {
        OperationContext(
            liveness: ItemLiveness(
                now: clock.now(),
                oldestLive: oldestLive.load(ordering: .acquiring),
                oldestCas: oldestCas.load(ordering: .acquiring)),
            evictionEnabled: configuration.evictionEnabled,
            itemSizeMax: configuration.itemSizeMax,
            accountant: accountant,
            uniques: uniques,
            sizeClasses: sizeClasses)
    }

    /// Live-item lookup; bumps the LRU, marks fetched; with `touchExptime` (raw protocol value) also sets the new
    /// expiry (gat). Expired and flushed items count as a miss and are removed. Returns nil on a miss.
    /// `body` runs under the shard lock and must not call back into the cache.
    @inlinable
    public func withItem<R>(key: UnsafeRawBufferPointer, touchExptime: Int64? = nil, _ body: (ItemView) -> R) -> R? {
        // Inlined into the caller so the generic result is specialized there; the lookup itself is not generic.
        var result: R?
        visitItem(key: key, touchExptime: touchExptime) { result = body($0) }
        return result
    }

    /// The non-generic body of `withItem`: calls `visit` with the live item, if any, under its shard lock.
    @usableFromInline
    func visitItem(key: UnsafeRawBufferPointer, touchExptime: Int64?, _ visit: (ItemView) -> Void) {
        let hash = KeyHash.hash(key)
        let context = makeContext()
        shards.withLocked(shardIndex(hash)) { shard in
            guard let item = shard.findLive(key, hash: hash, context: context) else { return }
            shard.bump(item, now: context.now)
            item.fetched = true
            if let touchExptime {
                item.pointee.expiresAt = ItemLiveness.expiresAt(exptime: touchExptime, now: context.now)
            }
            visit(item.view())
        }
    }

    /// A storage command. Keys longer than 250 bytes are refused as `.notStored`.
    public func store(
        _ operation: StoreOperation, key: UnsafeRawBufferPointer, flags: UInt32, exptime: Int64,
        value: UnsafeRawBufferPointer, casUnique: UInt64 = 0
    ) -> StoreResult {
        guard key.count <= Self.maximumKeyLength else { return .notStored }
        let requested = ItemBlock.memcachedItemSize(keyLength: key.count, flags: flags, valueLength: value.count)
        if requested > configuration.itemSizeMax { return .tooLarge }
        let concatenating = operation == .append || operation == .prepend
        let hash = KeyHash.hash(key)
        let sizeClass = sizeClasses.classID(forSize: requested)
        var context = makeContext()
        var prebuiltItem: ItemPointer?
        if !concatenating {
            // Built before taking the lock: the copy of the data does not hold up the shard.
            let item = ItemBlock.allocate(
                key: key, hash: UInt32(truncatingIfNeeded: hash), flags: flags, valueLength: value.count)
            if let source = value.baseAddress {
                item.valueStart.copyMemory(from: source, byteCount: value.count)
            }
            item.pointee.expiresAt = ItemLiveness.expiresAt(exptime: exptime, now: context.now)
            item.sizeClass = sizeClass
            if item.totalSize > configuration.memoryLimit {
                item.deallocateItem()
                recordOutOfMemory(shard: shardIndex(hash), sizeClass: sizeClass)
                return .outOfMemory
            }
            prebuiltItem = item
        }
        let request = StoreRequest(
            operation: operation, key: key, hash: hash, value: value, casUnique: casUnique,
            prebuiltItem: prebuiltItem)
        let home = shardIndex(hash)
        var round = 0
        while true {
            var attempt = ShardAttempt<StoreResult>.finished(.notStored)
            shards.withLocked(home) { shard in attempt = shard.store(request, context: context) }
            switch attempt {
            case .finished(let result):
                if case .stored = result {} else { prebuiltItem?.deallocateItem() }
                return result
            case .needsMemory(let bytes):
                round += 1
                if round <= Self.evictionRounds && freeMemory(bytes, outside: home, context: context) {
                    context = makeContext()
                    continue
                }
                prebuiltItem?.deallocateItem()
                recordOutOfMemory(shard: home, sizeClass: sizeClass)
                // memcached answers a failed append/prepend allocation with NOT_STORED.
                return concatenating ? .notStored : .outOfMemory
            }
        }
    }

    public func delete(key: UnsafeRawBufferPointer) -> Bool {
        let hash = KeyHash.hash(key)
        let context = makeContext()
        return shards.withLocked(shardIndex(hash)) { shard in
            guard let item = shard.findLive(key, hash: hash, context: context) else { return false }
            shard.remove(item, context: context)
            return true
        }
    }

    public func touch(key: UnsafeRawBufferPointer, exptime: Int64) -> Bool {
        let hash = KeyHash.hash(key)
        let context = makeContext()
        let expiresAt = ItemLiveness.expiresAt(exptime: exptime, now: context.now)
        return shards.withLocked(shardIndex(hash)) { shard in
            shard.touch(key: key, hash: hash, expiresAt: expiresAt, context: context)
        }
    }

    /// `flush_all [delay]`: raw protocol delay; 0 or negative means now. Lazy: items stored before the flush
    /// time become misses when next looked at or swept.
    public func flushAll(delay: Int64) {
        let now = clock.now()
        let flushTime = delay > 0 ? ItemLiveness.expiresAt(exptime: delay, now: now) : now
        // As memcached: the mark is one second before the flush time, and a flush that is already due also
        // hides everything with a smaller CAS unique, i.e. items stored earlier in this same second.
        let mark = flushTime - 1
        if mark <= now {
            oldestCas.store(uniques.next(), ordering: .releasing)
        }
        oldestLive.store(mark, ordering: .releasing)
    }

    /// One bounded step of the background expiry sweep: examines at most `budget` items, resuming where the
    /// previous step stopped, one shard lock at a time. Returns how many items it removed.
    public func sweepExpired(budget: Int) -> Int {
        sweepCursor.withLock { cursor in
            let context = makeContext()
            var remaining = budget
            var removed = 0
            var finishedShards = 0
            while remaining > 0 && finishedShards <= shardMask {
                var step = (removed: 0, examined: 0, nextBucket: 0)
                var shardDone = false
                let bucket = cursor.bucket
                shards.withLocked(cursor.shard) { shard in
                    step = shard.sweep(from: bucket, budget: remaining, context: context)
                    shardDone = step.nextBucket >= shard.index.bucketCount
                }
                removed += step.removed
                // A step over empty buckets costs one unit, so a sparse table cannot stretch a call indefinitely.
                remaining -= max(step.examined, 1)
                if shardDone {
                    cursor = ((cursor.shard + 1) & shardMask, 0)
                    finishedShards += 1
                } else {
                    cursor.bucket = step.nextBucket
                }
            }
            return removed
        }
    }

    /// Visits every live item shard by shard, holding one shard lock at a time (`lru_crawler metadump all`).
    /// `body` runs under the shard lock and must not call back into the cache.
    public func forEachItem(_ body: (ItemView) -> Void) {
        let context = makeContext()
        for shard in 0...shardMask {
            shards.withLocked(shard) { shard in
                var next = shard.lru.head
                while let item = next {
                    next = item.pointee.lruNext
                    if context.liveness.isExpired(item) || context.liveness.isFlushed(item) { continue }
                    body(item.view())
                }
            }
        }
    }

    public func statistics() -> CacheStatistics {
        var statistics = CacheStatistics()
        var totals = ItemCounters()
        for shard in 0...shardMask {
            shards.withLocked(shard) { shard in
                for sizeClass in 0..<shard.classCount { totals.add(shard.classCounters[sizeClass]) }
                statistics.totalItems += shard.totalItems
                statistics.getExpired += shard.getExpired
                statistics.getFlushed += shard.getFlushed
            }
        }
        statistics.currItems = totals.items
        // The accountant, not the per-shard sums: shards are read one after another while others keep
        // changing, so only the global count is a consistent figure (and never above the limit).
        statistics.bytes = accountant.usedBytes
        statistics.evictions = totals.evictions
        statistics.reclaimed = totals.reclaimed
        statistics.expiredUnfetched = totals.expiredUnfetched
        statistics.evictedUnfetched = totals.evictedUnfetched
        statistics.crawlerReclaimed = totals.crawlerReclaimed
        statistics.outOfMemory = totals.outOfMemory
        return statistics
    }

    /// One entry per size class id (1...), including empty classes.
    public func sizeClassStatistics() -> [SizeClassStatistics] {
        var totals = [ItemCounters](repeating: ItemCounters(), count: sizeClasses.count)
        for shard in 0...shardMask {
            shards.withLocked(shard) { shard in
                for sizeClass in 0..<shard.classCount { totals[sizeClass].add(shard.classCounters[sizeClass]) }
            }
        }
        return totals.enumerated().map { offset, counters in
            let chunkSize = sizeClasses.chunkSizes[offset]
            var statistics = SizeClassStatistics(
                id: offset + 1, chunkSize: chunkSize, chunksPerPage: sizeClasses.pageSize / chunkSize)
            statistics.items = counters.items
            statistics.bytes = counters.bytes
            statistics.requestedBytes = counters.requestedBytes
            statistics.evictions = counters.evictions
            statistics.evictedNonzero = counters.evictedNonzero
            statistics.evictedTime = counters.evictedTime
            statistics.outOfMemory = counters.outOfMemory
            statistics.reclaimed = counters.reclaimed
            statistics.expiredUnfetched = counters.expiredUnfetched
            statistics.evictedUnfetched = counters.evictedUnfetched
            statistics.crawlerReclaimed = counters.crawlerReclaimed
            return statistics
        }
    }

    /// `stats reset`: clears event counters; items and bytes stay.
    public func resetStatistics() {
        for shard in 0...shardMask {
            shards.withLocked(shard) { shard in
                for sizeClass in 0..<shard.classCount { shard.classCounters[sizeClass].resetEvents() }
                shard.totalItems = 0
                shard.getExpired = 0
                shard.getFlushed = 0
            }
        }
    }

    /// Frees at least `bytes` from shards other than `home`, one lock at a time. False if nothing was freed.
    func freeMemory(_ bytes: Int, outside home: Int, context: OperationContext) -> Bool {
        guard context.evictionEnabled else { return false }
        var freed = 0
        let start = evictionCursor.wrappingAdd(1, ordering: .relaxed).oldValue
        for step in 0...shardMask where freed < bytes {
            let shardIndex = (start &+ step) & shardMask
            if shardIndex == home { continue }
            shards.withLocked(shardIndex) { shard in
                freed += shard.free(atLeast: bytes - freed, context: context)
            }
        }
        return freed > 0
    }

    func recordOutOfMemory(shard home: Int, sizeClass: Int) {
        shards.withLocked(home) { shard in shard.classCounters[sizeClass - 1].outOfMemory += 1 }
    }
}
