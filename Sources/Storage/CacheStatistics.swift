/// Item and memory counters of a `Cache`, named after memcached's `stats` lines.
public struct CacheStatistics: Equatable, Sendable {
    /// `curr_items`
    public var currItems: Int = 0
    /// `total_items`: items linked by successful stores since the last reset.
    public var totalItems: Int = 0
    /// `bytes`: sum of the sizes of the items held.
    public var bytes: Int = 0
    /// `evictions`: live items removed to make room.
    public var evictions: Int = 0
    /// `reclaimed`: expired items whose memory was reused for a new item.
    public var reclaimed: Int = 0
    /// `expired_unfetched`: expired items removed without ever being read.
    public var expiredUnfetched: Int = 0
    /// `evicted_unfetched`: evicted items that were never read.
    public var evictedUnfetched: Int = 0
    /// `get_expired`: lookups that found an expired item.
    public var getExpired: Int = 0
    /// `get_flushed`: lookups that found an item invalidated by `flush_all`.
    public var getFlushed: Int = 0
    /// `crawler_reclaimed`: expired items removed by the background sweep.
    public var crawlerReclaimed: Int = 0
    /// `outofmemory` summed over classes: stores refused for lack of memory.
    public var outOfMemory: Int = 0
    /// Tombstones held for deleted keys (not items: not in `currItems` or `bytes`).
    public var tombstones: Int = 0
    /// Bytes held by tombstones; `bytes + tombstoneBytes` is what the memory limit bounds.
    public var tombstoneBytes: Int = 0
    /// Replicated items and tombstones refused: too large, or no memory for them.
    public var applyRefused: Int = 0

    public init() {}
}
