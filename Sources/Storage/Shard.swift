/// One lock's worth of the cache: its items' hash index, its LRU list and its counters.
///
/// Every method runs under the shard's lock; item blocks are freed here and their bytes released to the
/// accountant.
struct Shard: ~Copyable {
    var index: HashIndex
    var lru = LRUList()
    /// One `ItemCounters` per size class, `classCounters[id - 1]`.
    let classCounters: UnsafeMutablePointer<ItemCounters>
    let classCount: Int
    var totalItems = 0
    var getExpired = 0
    var getFlushed = 0

    init(classCount: Int, initialBuckets: Int) {
        index = HashIndex(bucketCount: initialBuckets)
        self.classCount = classCount
        classCounters = .allocate(capacity: classCount)
        classCounters.initialize(repeating: ItemCounters(), count: classCount)
    }

    deinit {
        var next = lru.head
        while let item = next {
            next = item.pointee.lruNext
            item.deallocateItem()
        }
        classCounters.deinitialize(count: classCount)
        classCounters.deallocate()
    }

    var itemCount: Int { index.count }

    /// The live item for `key`, if any; an expired or flushed one is removed and counted.
    @inline(__always)
    mutating func findLive(_ key: UnsafeRawBufferPointer, hash: UInt64, context: OperationContext) -> ItemPointer? {
        guard let item = index.find(key, hash: hash) else { return nil }
        if context.liveness.isExpired(item) {
            getExpired += 1
            remove(item, context: context)
            return nil
        }
        if context.liveness.isFlushed(item) {
            getFlushed += 1
            remove(item, context: context)
            return nil
        }
        return item
    }

    /// Marks an access: most recently used, last access now.
    @inline(__always)
    mutating func bump(_ item: ItemPointer, now: Int64) {
        lru.moveToFront(item)
        item.pointee.lastAccess = now
    }

    /// touch / the expiry half of gat: a new expiry for a live item, which also counts as an access.
    mutating func touch(
        key: UnsafeRawBufferPointer, hash: UInt64, expiresAt: Int64, context: OperationContext
    ) -> Bool {
        guard let item = findLive(key, hash: hash, context: context) else { return false }
        item.pointee.expiresAt = expiresAt
        item.fetched = true
        bump(item, now: context.now)
        return true
    }

    /// Adds a new item whose bytes are already reserved.
    mutating func link(_ item: ItemPointer) {
        index.insert(item)
        lru.pushFront(item)
        count(item, sign: 1)
        totalItems += 1
    }

    /// Unlinks an item, frees its block and releases its bytes.
    mutating func remove(_ item: ItemPointer, context: OperationContext) {
        let size = item.totalSize
        index.remove(item)
        lru.remove(item)
        count(item, sign: -1)
        item.deallocateItem()
        context.accountant.release(size)
    }

    /// Puts `replacement` (same key) in place of `item` and frees `item`. The caller settles the size
    /// difference with the accountant.
    mutating func replace(_ item: ItemPointer, with replacement: ItemPointer) {
        index.replace(item, with: replacement)
        lru.remove(item)
        lru.pushFront(replacement)
        count(item, sign: -1)
        count(replacement, sign: 1)
        item.deallocateItem()
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
