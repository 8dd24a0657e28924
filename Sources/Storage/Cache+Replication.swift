extension Cache {
    /// Applies a replicated item if `version` is above that of whatever `key` holds (a live, expired or flushed
    /// item, or a tombstone); otherwise changes nothing and returns false. The item gets a fresh local CAS
    /// unique, is not fetched and goes to the LRU head. An `expiresAt` in the past (absolute unix seconds, 0 never)
    /// is stored as it is: the item is invisible, yet its version still overrides older states until it is
    /// reclaimed. Too large or no memory: false, counted in `applyRefused`.
    public func apply(
        key: UnsafeRawBufferPointer, flags: UInt32, expiresAt: Int64, value: UnsafeRawBufferPointer,
        version: Version
    ) -> Bool {
        let hash = KeyHash.hash(key)
        let home = shardIndex(hash)
        versions.observe(version)
        let requested = ItemBlock.memcachedItemSize(keyLength: key.count, flags: flags, valueLength: value.count)
        guard key.count <= Self.maximumKeyLength && requested <= configuration.itemSizeMax else {
            recordApplyRefused(shard: home)
            return false
        }
        let item = ItemBlock.allocate(key: key, flags: flags, value: value, in: arena)
        item.pointee.expiresAt = expiresAt
        item.pointee.version = version
        item.sizeClass = sizeClasses.classID(forSize: requested)
        return place(item, key: key, hash: hash)
    }

    /// Applies a replicated delete: a tombstone, kept `tombstoneLifetime` seconds from now, if `version` is above
    /// that of whatever `key` holds. Same rules as `apply`.
    public func applyTombstone(key: UnsafeRawBufferPointer, version: Version) -> Bool {
        let hash = KeyHash.hash(key)
        versions.observe(version)
        guard key.count <= Self.maximumKeyLength else {
            recordApplyRefused(shard: shardIndex(hash))
            return false
        }
        let tombstone = ItemBlock.allocateTombstone(
            key: key, version: version, deletedAt: clock.now(), in: arena)
        return place(tombstone, key: key, hash: hash)
    }

    /// Applies a replicated flush mark if its version is above the current mark's (local or applied); it then
    /// replaces that mark, as a later `flush_all` replaces an earlier one in memcached. Only the version rule
    /// applies to it: items whose version's milliseconds are below `atMilliseconds` are invalid once the clock
    /// reaches that time.
    public func applyFlush(_ mark: FlushMark) -> Bool {
        currentFlush.withLock { current in
            if let current, mark.version <= current.version { return false }
            versions.observe(mark.version)
            if mark.atMilliseconds > 0 && UInt64(mark.atMilliseconds) <= mark.version.milliseconds + 1 {
                // An immediate flush: this node's writes from now on must not fall below it either.
                versions.observe(Version(milliseconds: UInt64(mark.atMilliseconds), counter: 0, nodeID: 0))
            }
            flushMarkMilliseconds.store(max(mark.atMilliseconds, 1), ordering: .releasing)
            oldestLive.store(0, ordering: .releasing)
            oldestCas.store(0, ordering: .releasing)
            current = mark
            return true
        }
    }

    /// The newest flush mark, local or applied, for a full resync; nil if there has been no flush.
    public var flushMark: FlushMark? {
        currentFlush.withLock { $0 }
    }

    /// One chunk of a full-resync walk of shard `shard`: calls `body` under the shard's lock with each live item
    /// and tombstone (not expired or flushed items) of whole buckets from `startBucket` (0 to begin), until about
    /// `limit` entries have been examined. Returns where to resume, nil when the shard is done. Buckets are walked
    /// in an order that survives the index growing between chunks: every entry present throughout the walk is
    /// visited exactly once. `body` must not call back into the cache.
    public func forEachState(shard: Int, startBucket: Int, limit: Int, _ body: (ItemState) -> Void) -> Int? {
        let context = makeContext()
        let tombstoneCutoff = context.now - configuration.tombstoneLifetime
        return shards.withLocked(shard) { shard in
            shard.forEachState(
                from: startBucket, limit: max(limit, 1), tombstoneCutoff: tombstoneCutoff, context: context, body)
        }
    }

    /// Links `entry` under its shard lock if its version wins, evicting elsewhere when the shard is full.
    /// Frees `entry` unless it was linked.
    private func place(_ entry: ItemPointer, key: UnsafeRawBufferPointer, hash: UInt64) -> Bool {
        let home = shardIndex(hash)
        if entry.totalSize > configuration.memoryLimit {
            entry.deallocateItem(from: arena)
            recordApplyRefused(shard: home)
            return false
        }
        let applied = withRoom(in: home, context: makeContext(), freshContext: makeContext) { shard, context in
            shard.applyEntry(entry, key: key, hash: hash, context: context)
        }
        guard let applied else {
            entry.deallocateItem(from: arena)
            recordApplyRefused(shard: home)
            return false
        }
        if !applied { entry.deallocateItem(from: arena) }
        return applied
    }

    private func recordApplyRefused(shard home: Int) {
        shards.withLocked(home) { shard in shard.applyRefused += 1 }
    }
}
