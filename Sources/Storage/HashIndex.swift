/// A chained hash table of items: each bucket holds the first item, items chain through `chainNext`.
struct HashIndex: ~Copyable {
    private var buckets: UnsafeMutablePointer<ItemPointer?>
    private var mask: Int
    private(set) var count: Int = 0

    init(bucketCount: Int) {
        var size = 16
        while size < bucketCount { size <<= 1 }
        buckets = .allocate(capacity: size)
        buckets.initialize(repeating: nil, count: size)
        mask = size - 1
    }

    deinit {
        buckets.deallocate()
    }

    var bucketCount: Int { mask + 1 }

    func firstItem(inBucket bucket: Int) -> ItemPointer? {
        buckets[bucket]
    }

    /// The bucket after `bucket` in bit-reversed order, nil after the last. Walking in this order and resuming
    /// with the same number after the table has doubled visits every bucket's items exactly once: the buckets an
    /// already visited bucket splits into all come before the resume point.
    func bucketAfterInReversedOrder(_ bucket: Int) -> Int? {
        var position = bucket & mask
        var bit = (mask + 1) >> 1
        while bit != 0 && position & bit != 0 {
            position &= ~bit
            bit >>= 1
        }
        return bit == 0 ? nil : position | bit
    }

    /// The entry (item or tombstone) holding `key`, if any.
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> ItemPointer? {
        var candidate = buckets[bucket(hash)]
        while let item = candidate {
            if Int(item.pointee.keyLength) == key.count && ItemBlock.keysEqual(item, key) { return item }
            candidate = item.pointee.chainNext
        }
        return nil
    }

    /// The hash of a linked item's key, for callers that do not have it at hand: items do not store their hash.
    @inline(__always)
    static func hash(of item: ItemPointer) -> UInt64 {
        KeyHash.hash(item.key)
    }

    @inline(__always)
    private func bucket(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash) & mask
    }

    mutating func insert(_ item: ItemPointer, hash: UInt64) {
        // memcached's load: grow past 1.5 items per bucket. A sparser table would cost every small item 8–16 bytes
        // more; each extra hop of a longer chain costs a key comparison.
        if (count + 1) * 2 > bucketCount * 3 { grow() }
        let bucket = bucket(hash)
        item.pointee.chainNext = buckets[bucket]
        buckets[bucket] = item
        count += 1
    }

    /// Unlinks `item`, whose key hashes to `hash`.
    mutating func remove(_ item: ItemPointer, hash: UInt64) {
        assert(hash == Self.hash(of: item), "the hash of another key")
        let bucket = bucket(hash)
        if buckets[bucket] == item {
            buckets[bucket] = item.pointee.chainNext
        } else {
            var previous = buckets[bucket].unsafelyUnwrapped
            while previous.pointee.chainNext != item { previous = previous.pointee.chainNext.unsafelyUnwrapped }
            previous.pointee.chainNext = item.pointee.chainNext
        }
        item.pointee.chainNext = nil
        count -= 1
    }

    /// Puts `replacement` (same key, hashing to `hash`) where `item` was in its chain.
    mutating func replace(_ item: ItemPointer, with replacement: ItemPointer, hash: UInt64) {
        assert(hash == Self.hash(of: item), "the hash of another key")
        let bucket = bucket(hash)
        replacement.pointee.chainNext = item.pointee.chainNext
        if buckets[bucket] == item {
            buckets[bucket] = replacement
        } else {
            var previous = buckets[bucket].unsafelyUnwrapped
            while previous.pointee.chainNext != item { previous = previous.pointee.chainNext.unsafelyUnwrapped }
            previous.pointee.chainNext = replacement
        }
        item.pointee.chainNext = nil
    }

    /// Doubles the bucket array and relinks every item.
    private mutating func grow() {
        let oldBuckets = buckets
        let oldSize = bucketCount
        let newSize = oldSize * 2
        buckets = .allocate(capacity: newSize)
        buckets.initialize(repeating: nil, count: newSize)
        mask = newSize - 1
        for oldBucket in 0..<oldSize {
            var candidate = oldBuckets[oldBucket]
            while let item = candidate {
                candidate = item.pointee.chainNext
                let target = bucket(Self.hash(of: item))
                item.pointee.chainNext = buckets[target]
                buckets[target] = item
            }
        }
        oldBuckets.deallocate()
    }
}
