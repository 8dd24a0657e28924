/// One lock's worth of the cache: its items' hash index, its LRU list, its tombstones and its counters.
///
/// Every method runs under the shard's lock; item blocks are freed here and their bytes released to the
/// accountant.
struct Shard: ~Copyable {
    var index: HashIndex
    var lru = LRUList()
    /// Tombstones, newest first: the tail is the first to go when memory runs short.
    var tombstones = LRUList()
    var tombstoneCount = 0
    /// Replicated items and tombstones refused for size or memory.
    var applyRefused = 0
    /// One `ItemCounters` per size class, `classCounters[id - 1]`.
    let classCounters: UnsafeMutablePointer<ItemCounters>
    let classCount: Int
    /// Where this shard's item blocks come from and go back to; the `ShardTable` keeps it alive.
    unowned(unsafe) let arena: ItemArena
    var totalItems = 0
    var getExpired = 0
    var getFlushed = 0

    init(classCount: Int, initialBuckets: Int, arena: ItemArena) {
        index = HashIndex(bucketCount: initialBuckets)
        self.arena = arena
        self.classCount = classCount
        classCounters = .allocate(capacity: classCount)
        classCounters.initialize(repeating: ItemCounters(), count: classCount)
    }

    deinit {
        var next = lru.head
        while let item = next {
            next = item.pointee.lruNext
            item.deallocateItem(from: arena)
        }
        next = tombstones.head
        while let tombstone = next {
            next = tombstone.pointee.lruNext
            tombstone.deallocateItem(from: arena)
        }
        classCounters.deinitialize(count: classCount)
        classCounters.deallocate()
    }

    /// The live item for `key`, if any; an expired or flushed one is removed and counted. A tombstone stays.
    @inline(__always)
    mutating func findLive(_ key: UnsafeRawBufferPointer, hash: UInt64, context: OperationContext) -> ItemPointer? {
        guard let item = index.find(key, hash: hash) else { return nil }
        if context.liveness.isExpired(item) {
            if item.isTombstone { return nil }
            getExpired += 1
            remove(item, hash: hash, context: context)
            return nil
        }
        if context.liveness.isFlushed(item) {
            getFlushed += 1
            remove(item, hash: hash, context: context)
            return nil
        }
        return item
    }

    /// For a write: the live item for `key` as `findLive` finds it, or else the key's tombstone, if any.
    @inline(__always)
    mutating func findForWrite(
        _ key: UnsafeRawBufferPointer, hash: UInt64, context: OperationContext
    ) -> (item: ItemPointer?, tombstone: ItemPointer?) {
        guard let entry = index.find(key, hash: hash) else { return (nil, nil) }
        if entry.isTombstone { return (nil, entry) }
        if context.liveness.isExpired(entry) {
            getExpired += 1
            remove(entry, hash: hash, context: context)
            return (nil, nil)
        }
        if context.liveness.isFlushed(entry) {
            getFlushed += 1
            remove(entry, hash: hash, context: context)
            return (nil, nil)
        }
        return (entry, nil)
    }

    /// Marks an access: most recently used, last access now.
    @inline(__always)
    mutating func bump(_ item: ItemPointer, now: Int64) {
        lru.moveToFront(item)
        item.pointee.lastAccess = now
    }

    /// touch / the expiry half of gat: a new expiry and version for a live item, which also counts as an access.
    mutating func touch(
        key: UnsafeRawBufferPointer, hash: UInt64, expiresAt: Int64, context: OperationContext,
        changed: (ItemState) -> Void
    ) -> Bool {
        guard let item = findLive(key, hash: hash, context: context) else { return false }
        item.pointee.expiresAt = expiresAt
        item.pointee.version = context.nextVersion()
        item.fetched = true
        bump(item, now: context.now)
        changed(item.state())
        return true
    }

    /// delete: puts a tombstone with a new version in place of a live item. A tombstone is never larger than the
    /// item it replaces, so this always succeeds.
    mutating func bury(_ item: ItemPointer, hash: UInt64, context: OperationContext, changed: (ItemState) -> Void) {
        let tombstone = ItemBlock.allocateTombstone(
            key: item.key, version: context.nextVersion(), deletedAt: context.now, in: arena)
        let freed = item.totalSize - tombstone.totalSize
        index.replace(item, with: tombstone, hash: hash)
        lru.remove(item)
        count(item, sign: -1)
        item.deallocateItem(from: arena)
        tombstones.pushFront(tombstone)
        tombstoneCount += 1
        context.accountant.noteTombstoneBytes(tombstone.totalSize)
        context.accountant.release(freed)
        changed(tombstone.state())
    }

    /// Puts `item` (same key) in place of `tombstone` and frees the tombstone. The caller settles the size
    /// difference with the accountant.
    mutating func replaceTombstone(
        _ tombstone: ItemPointer, with item: ItemPointer, hash: UInt64, context: OperationContext
    ) {
        index.replace(tombstone, with: item, hash: hash)
        tombstones.remove(tombstone)
        tombstoneCount -= 1
        context.accountant.noteTombstoneBytes(-tombstone.totalSize)
        tombstone.deallocateItem(from: arena)
        lru.pushFront(item)
        count(item, sign: 1)
        totalItems += 1
    }

    /// Unlinks a tombstone, frees it and releases its bytes.
    mutating func removeTombstone(_ tombstone: ItemPointer, context: OperationContext) {
        let size = tombstone.totalSize
        index.remove(tombstone, hash: HashIndex.hash(of: tombstone))
        tombstones.remove(tombstone)
        tombstoneCount -= 1
        tombstone.deallocateItem(from: arena)
        context.accountant.noteTombstoneBytes(-size)
        context.accountant.release(size)
    }

    /// Adds a new item whose bytes are already reserved.
    mutating func link(_ item: ItemPointer, hash: UInt64) {
        index.insert(item, hash: hash)
        lru.pushFront(item)
        count(item, sign: 1)
        totalItems += 1
    }

    /// Unlinks an item, frees its block and releases its bytes. `hash`: the key's, when the caller has it.
    mutating func remove(_ item: ItemPointer, hash: UInt64? = nil, context: OperationContext) {
        let size = item.totalSize
        index.remove(item, hash: hash ?? HashIndex.hash(of: item))
        lru.remove(item)
        count(item, sign: -1)
        item.deallocateItem(from: arena)
        context.accountant.release(size)
    }

    /// Puts `replacement` (same key) in place of `item` and frees `item`. The caller settles the size
    /// difference with the accountant.
    mutating func replace(_ item: ItemPointer, with replacement: ItemPointer, hash: UInt64) {
        index.replace(item, with: replacement, hash: hash)
        lru.remove(item)
        lru.pushFront(replacement)
        count(item, sign: -1)
        count(replacement, sign: 1)
        item.deallocateItem(from: arena)
        totalItems += 1
    }

    @inline(__always)
    func count(_ item: ItemPointer, sign: Int) {
        let counters = classCounters + (item.sizeClass - 1)
        counters.pointee.items += sign
        counters.pointee.bytes += sign * item.totalSize
        counters.pointee.requestedBytes += sign * item.requestedSize
    }

    func counters(of item: ItemPointer) -> UnsafeMutablePointer<ItemCounters> {
        classCounters + (item.sizeClass - 1)
    }
}
