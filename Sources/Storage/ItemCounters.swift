/// A shard's counters for one size class; summed over shards for `stats`, `stats items` and `stats slabs`.
struct ItemCounters {
    var items = 0
    var bytes = 0
    var requestedBytes = 0
    var evictions = 0
    var evictedNonzero = 0
    var evictedTime: Int64 = 0
    var outOfMemory = 0
    var reclaimed = 0
    var expiredUnfetched = 0
    var evictedUnfetched = 0
    var crawlerReclaimed = 0

    mutating func add(_ other: ItemCounters) {
        items += other.items
        bytes += other.bytes
        requestedBytes += other.requestedBytes
        evictions += other.evictions
        evictedNonzero += other.evictedNonzero
        evictedTime = max(evictedTime, other.evictedTime)
        outOfMemory += other.outOfMemory
        reclaimed += other.reclaimed
        expiredUnfetched += other.expiredUnfetched
        evictedUnfetched += other.evictedUnfetched
        crawlerReclaimed += other.crawlerReclaimed
    }

    /// `stats reset`: clears the event counters, keeps what is held.
    mutating func resetEvents() {
        self = ItemCounters(items: items, bytes: bytes, requestedBytes: requestedBytes)
    }
}
