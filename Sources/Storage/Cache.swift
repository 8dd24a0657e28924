import Synchronization

/// A sharded, memory-bounded item store with memcached 1.6 semantics, ready for replication.
///
/// Keys hash to one of `shardCount` shards, each behind its own lock; no operation holds two shard locks.
/// Every entry carries a `Version`; each local mutation takes a new one from `versions` under its shard's lock
/// (so a key's versions follow the order of its writes) and reports the resulting state to its `changed`
/// closure, under the same lock. Deletes leave tombstones; replicated states are applied by version.
public final class Cache: @unchecked Sendable {
    /// How often a store or incr that needs memory evicts from other shards before giving up.
    static let evictionRounds = 8
    /// Longest key memcached accepts.
    static let maximumKeyLength = 250
    /// Hash buckets a shard starts with; the index doubles as it fills.
    private static let initialBucketsPerShard = 1024

    public let configuration: CacheConfiguration
    /// Hands out the versions of this node's writes and observes those of applied ones.
    public let versions: VersionClock
    let clock: any CacheClock
    let shards: ShardTable
    let arena: ItemArena
    private let shardMask: Int
    private let accountant: MemoryAccountant
    private let uniques = CasSequence()
    let sizeClasses: SizeClassTable
    /// `flush_all` marks: see `ItemLiveness`. Changed only under `currentFlush`'s lock.
    let oldestLive = Atomic<Int64>(0)
    let oldestCas = Atomic<UInt64>(0)
    /// Unix milliseconds of the flush mark in force or pending, 0 for none: see `FlushMark`.
    let flushMarkMilliseconds = Atomic<Int64>(0)
    /// The newest flush mark, local or applied; its lock orders flushes.
    let currentFlush = Locked<FlushMark?>(nil)
    /// When this cache began: memcached's `process_started`, which decides what a past flush time means.
    private let startedAt: Int64
    /// Where the background sweep resumes: shard and hash bucket.
    private let sweepCursor = Locked<(shard: Int, bucket: Int)>((0, 0))
    /// Spreads evictions on behalf of other shards over all shards.
    private let evictionCursor = Atomic<Int>(0)

    /// `versions` nil: a clock with node id 0, for a cache that does not replicate.
    public init(configuration: CacheConfiguration, clock: any CacheClock, versions: VersionClock? = nil) {
        startedAt = clock.now()
        var shardCount = 1
        while shardCount < configuration.shardCount { shardCount <<= 1 }
        var configuration = configuration
        configuration.shardCount = shardCount
        self.configuration = configuration
        self.clock = clock
        self.versions = versions ?? VersionClock(nodeID: 0, clock: clock)
        shardMask = shardCount - 1
        accountant = MemoryAccountant(limit: configuration.memoryLimit)
        sizeClasses = SizeClassTable(
            itemSizeMax: configuration.itemSizeMax, growthFactor: configuration.sizeClassGrowthFactor,
            minimumDataSize: configuration.sizeClassMinimumDataSize)
        let classCount = sizeClasses.count
        let arena = ItemArena(reservedBytes: Self.arenaReservation(memoryLimit: configuration.memoryLimit))
        self.arena = arena
        shards = ShardTable(count: shardCount, arena: arena) { _ in
            Shard(classCount: classCount, initialBuckets: Self.initialBucketsPerShard, arena: arena)
        }
    }

    /// Address space for the arena's pages: twice the memory limit, since freed blocks wait in partly used pages
    /// (and every size keeps one), capped at 1 TB. Only pages in use are touched; past the reservation, blocks
    /// come from `malloc`.
    static func arenaReservation(memoryLimit: Int) -> Int {
        let slack = ItemArena.sizeCount * ItemArena.pageSize
        return min(memoryLimit, 1 << 39) * 2 + slack
    }

    /// Number of shards, for `forEachState`.
    public var shardCount: Int { shardMask + 1 }

    @inline(__always)
    func shardIndex(_ hash: UInt64) -> Int {
        // The high bits pick the shard; the hash index uses the low bits for buckets.
        Int(truncatingIfNeeded: hash >> 40) & shardMask
    }

    /// The context of a read: the clock in whole seconds.
    @inline(__always)
    func makeContext() -> OperationContext {
        makeContext(now: clock.now(), milliseconds: nil)
    }

    /// The context of a write: one reading of the millisecond clock serves expiry and the new version.
    @inline(__always)
    func makeWriteContext() -> OperationContext {
        let milliseconds = clock.nowMilliseconds()
        let now = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        return makeContext(now: now, milliseconds: milliseconds)
    }

    @inline(__always)
    private func makeContext(now: Int64, milliseconds: Int64?) -> OperationContext {
        let flushAt = flushMarkMilliseconds.load(ordering: .acquiring)
        var flushedBelowTimestamp: UInt64 = 0
        // Whole seconds settle it except within the mark's own second, which needs the millisecond clock.
        if flushAt != 0 && (now * 1000 >= flushAt || (milliseconds ?? clock.nowMilliseconds()) >= flushAt) {
            flushedBelowTimestamp = UInt64(flushAt) << 16
        }
        return OperationContext(
            liveness: ItemLiveness(
                now: now,
                oldestLive: oldestLive.load(ordering: .acquiring),
                oldestCas: oldestCas.load(ordering: .acquiring),
                flushedBelowTimestamp: flushedBelowTimestamp),
            evictionEnabled: configuration.evictionEnabled,
            itemSizeMax: configuration.itemSizeMax,
            accountant: accountant,
            uniques: uniques,
            sizeClasses: sizeClasses,
            versions: versions,
            milliseconds: milliseconds ?? now * 1000)
    }

    /// Live-item lookup; bumps the LRU, marks fetched; with `touchExptime` (raw protocol value) also sets the new
    /// expiry and version (gat) and reports the new state to `changed`. Expired and flushed items count as a miss
    /// and are removed. Returns nil on a miss. `body` and `changed` run under the shard lock and must not call
    /// back into the cache.
    @inlinable
    public func withItem<R>(
        key: UnsafeRawBufferPointer, touchExptime: Int64? = nil, _ body: (ItemView) -> R,
        changed: (ItemState) -> Void = { _ in }
    ) -> R? {
        // Inlined into the caller so the generic result is specialized there; the lookup itself is not generic.
        // A plain get takes its own path: no gat work, no `changed` to pass along.
        var result: R?
        if let touchExptime {
            touchItem(key: key, exptime: touchExptime, { result = body($0) }, changed: changed)
        } else {
            readItem(key: key) { result = body($0) }
        }
        return result
    }

    /// A plain get: calls `visit` with the live item, if any, under its shard lock.
    @usableFromInline
    func readItem(key: UnsafeRawBufferPointer, _ visit: (ItemView) -> Void) {
        let hash = KeyHash.hash(key)
        let context = makeContext()
        shards.withLocked(shardIndex(hash)) { shard in
            guard let item = shard.findLive(key, hash: hash, context: context) else { return }
            shard.bump(item, now: context.now)
            item.fetched = true
            visit(item.view())
        }
    }

    /// A gat: gives the live item, if any, its new expiry and version, reports it to `changed` and calls `visit`
    /// with it, under its shard lock.
    @usableFromInline
    func touchItem(
        key: UnsafeRawBufferPointer, exptime: Int64, _ visit: (ItemView) -> Void, changed: (ItemState) -> Void
    ) {
        let hash = KeyHash.hash(key)
        let context = makeWriteContext()
        shards.withLocked(shardIndex(hash)) { shard in
            guard let item = shard.findLive(key, hash: hash, context: context) else { return }
            shard.bump(item, now: context.now)
            item.fetched = true
            item.pointee.expiresAt = ItemLiveness.expiresAt(exptime: exptime, now: context.now)
            item.pointee.version = context.nextVersion()
            changed(item.state())
            visit(item.view())
        }
    }

    /// A storage command. Keys longer than 250 bytes are refused as `.notStored`. On `.stored`, `changed` has
    /// seen the resulting item (for append/prepend the whole joined value). A `.tooLarge` set leaves the old item
    /// alone: memcached unlinks it, which the caller does with `delete(key:changed:)`.
    public func store(
        _ operation: StoreOperation, key: UnsafeRawBufferPointer, flags: UInt32, exptime: Int64,
        value: UnsafeRawBufferPointer, casUnique: UInt64 = 0, changed: (ItemState) -> Void = { _ in }
    ) -> StoreResult {
        storeItem(operation, key: key, flags: flags, exptime: exptime, value: value, binaryKey: false) {
            shard, hash, prebuiltItem, context in
            let request = StoreRequest(
                operation: operation, key: key, hash: hash, value: value, casUnique: casUnique,
                prebuiltItem: prebuiltItem)
            return shard.store(request, context: context, changed: changed)
        }
    }

    /// What `store` and `metaStore` share: the key and size limits; for all but append/prepend, the new item built
    /// before the shard lock is taken (so that copying the data does not hold up the shard) and freed unless stored;
    /// `attempt` under the lock, with eviction elsewhere when the shard is full.
    @inline(__always)
    func storeItem(
        _ operation: StoreOperation, key: UnsafeRawBufferPointer, flags: UInt32, exptime: Int64,
        value: UnsafeRawBufferPointer, binaryKey: Bool,
        _ attempt: (inout Shard, UInt64, ItemPointer?, OperationContext) -> ShardAttempt<StoreResult>
    ) -> StoreResult {
        guard key.count <= Self.maximumKeyLength else { return .notStored }
        let requested = ItemBlock.memcachedItemSize(keyLength: key.count, flags: flags, valueLength: value.count)
        if requested > configuration.itemSizeMax { return .tooLarge }
        let concatenating = operation == .append || operation == .prepend
        let hash = KeyHash.hash(key)
        let home = shardIndex(hash)
        let sizeClass = sizeClasses.classID(forSize: requested)
        let context = makeWriteContext()
        var prebuiltItem: ItemPointer?
        if !concatenating {
            let item = ItemBlock.allocate(key: key, flags: flags, value: value, in: arena)
            item.pointee.expiresAt = ItemLiveness.expiresAt(exptime: exptime, now: context.now)
            item.sizeClass = sizeClass
            if binaryKey { item.setMetaBit(ItemHeader.binaryKeyBit, true) }
            if item.totalSize > configuration.memoryLimit {
                item.deallocateItem(from: arena)
                recordOutOfMemory(shard: home, sizeClass: sizeClass)
                return .outOfMemory
            }
            prebuiltItem = item
        }
        let outcome = withRoom(in: home, context: context, freshContext: makeWriteContext) { shard, context in
            attempt(&shard, hash, prebuiltItem, context)
        }
        guard let outcome else {
            prebuiltItem?.deallocateItem(from: arena)
            recordOutOfMemory(shard: home, sizeClass: sizeClass)
            // memcached answers a failed append/prepend allocation with NOT_STORED.
            return concatenating ? .notStored : .outOfMemory
        }
        if case .stored = outcome {} else { prebuiltItem?.deallocateItem(from: arena) }
        return outcome
    }

    /// Deletes a live item, leaving a tombstone (reported to `changed`) for `tombstoneLifetime` seconds.
    public func delete(key: UnsafeRawBufferPointer, changed: (ItemState) -> Void = { _ in }) -> Bool {
        let hash = KeyHash.hash(key)
        let context = makeWriteContext()
        return shards.withLocked(shardIndex(hash)) { shard in
            guard let item = shard.findLive(key, hash: hash, context: context) else { return false }
            shard.bury(item, hash: hash, context: context, changed: changed)
            return true
        }
    }

    public func touch(
        key: UnsafeRawBufferPointer, exptime: Int64, changed: (ItemState) -> Void = { _ in }
    ) -> Bool {
        let hash = KeyHash.hash(key)
        let context = makeWriteContext()
        let expiresAt = ItemLiveness.expiresAt(exptime: exptime, now: context.now)
        return shards.withLocked(shardIndex(hash)) { shard in
            shard.touch(key: key, hash: hash, expiresAt: expiresAt, context: context, changed: changed)
        }
    }

    /// `flush_all [delay]`: raw protocol delay; 0 or negative means now. Lazy: items stored before the flush
    /// time become misses when next looked at or swept. Returns the mark to replicate, also passed to `changed`
    /// under the lock that orders flushes.
    ///
    /// Locally memcached's rule holds (see below); the mark's version rule holds as well, so items applied later
    /// with older versions are hidden as on the peer. For an immediate flush the mark's time is just after its
    /// version and the version clock jumps to it: everything written before is below the mark, nothing after.
    /// For a delayed flush the mark's time is the second memcached's flush takes effect.
    @discardableResult
    public func flushAll(delay: Int64, changed: (FlushMark) -> Void = { _ in }) -> FlushMark {
        currentFlush.withLock { current in
            // memcached turns a unix time from before it started into "no flush mark at all": it clears
            // the marks, so items an earlier flush hid become visible again. Nothing to replicate.
            if delay > ItemLiveness.maximumRelativeExptime, delay <= startedAt {
                oldestLive.store(0, ordering: .releasing)
                oldestCas.store(0, ordering: .releasing)
                return current ?? FlushMark(atMilliseconds: 0, version: .zero)
            }
            let now = clock.now()
            let flushTime = delay > 0 ? ItemLiveness.expiresAt(exptime: delay, now: now) : now
            // As memcached: the mark is one second before the flush time, and a flush that is already due also
            // hides everything with a smaller CAS unique, i.e. items stored earlier in this same second.
            let markTime = flushTime - 1
            let version = versions.next()
            let atMilliseconds: Int64
            if markTime <= now {
                oldestCas.store(uniques.next(), ordering: .releasing)
                atMilliseconds = Int64(version.milliseconds) + 1
                versions.observe(Version(milliseconds: UInt64(atMilliseconds), counter: 0, nodeID: 0))
            } else {
                atMilliseconds = markTime * 1000
            }
            oldestLive.store(markTime, ordering: .releasing)
            let mark = FlushMark(atMilliseconds: atMilliseconds, version: version)
            flushMarkMilliseconds.store(max(atMilliseconds, 1), ordering: .releasing)
            current = mark
            changed(mark)
            return mark
        }
    }

    /// One bounded step of the background expiry sweep: examines at most `budget` entries, resuming where the
    /// previous step stopped, one shard lock at a time; also drops tombstones older than `tombstoneLifetime`.
    /// Returns how many items it removed (tombstones not counted).
    public func sweepExpired(budget: Int) -> Int {
        sweepCursor.withLock { cursor in
            let context = makeContext()
            let tombstoneCutoff = context.now - configuration.tombstoneLifetime
            var remaining = budget
            var removed = 0
            var finishedShards = 0
            while remaining > 0 && finishedShards <= shardMask {
                var step = (removed: 0, examined: 0, nextBucket: 0)
                var shardDone = false
                let bucket = cursor.bucket
                shards.withLocked(cursor.shard) { shard in
                    step = shard.sweep(
                        from: bucket, budget: remaining, tombstoneCutoff: tombstoneCutoff, context: context)
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
                statistics.tombstones += shard.tombstoneCount
                statistics.applyRefused += shard.applyRefused
            }
        }
        statistics.currItems = totals.items
        // The accountant, not the per-shard sums: shards are read one after another while others keep
        // changing, so only the global count is a consistent figure (and never above the limit).
        statistics.bytes = accountant.itemBytes
        statistics.tombstoneBytes = accountant.tombstoneBytes
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
                shard.applyRefused = 0
            }
        }
    }

    /// Runs `attempt` under `home`'s lock. When the shard cannot make room by itself, frees memory in other shards
    /// (without that lock) and tries again with a fresh context, at most `evictionRounds` times; nil when no room was
    /// found.
    @inline(__always)
    func withRoom<Result>(
        in home: Int, context: OperationContext, freshContext: () -> OperationContext,
        _ attempt: (inout Shard, OperationContext) -> ShardAttempt<Result>
    ) -> Result? {
        var context = context
        var round = 0
        while true {
            switch shards.withLocked(home, { shard in attempt(&shard, context) }) {
            case .finished(let result):
                return result
            case .needsMemory(let bytes):
                round += 1
                guard round <= Self.evictionRounds, freeMemory(bytes, outside: home, context: context) else {
                    return nil
                }
                context = freshContext()
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
