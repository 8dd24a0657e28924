/// Per size-class counters for `stats items` and `stats slabs`.
public struct SizeClassStatistics: Equatable, Sendable {
    /// memcached's slab class id (1-based).
    public var id: Int
    /// `chunk_size` of the memcached class.
    public var chunkSize: Int
    /// `chunks_per_page` of the memcached class.
    public var chunksPerPage: Int
    /// `number`: items currently in the class.
    public var items: Int = 0
    /// Sum of `totalSize` of the items in the class.
    public var bytes: Int = 0
    /// `mem_requested`: sum of the items' sizes as memcached measures them.
    public var requestedBytes: Int = 0
    /// `evicted`
    public var evictions: Int = 0
    /// `evicted_nonzero`: evicted items that had an expiry time.
    public var evictedNonzero: Int = 0
    /// `evicted_time`: seconds since the last access of the most recently evicted item.
    public var evictedTime: Int64 = 0
    /// `outofmemory`
    public var outOfMemory: Int = 0
    /// `reclaimed`
    public var reclaimed: Int = 0
    /// `expired_unfetched`
    public var expiredUnfetched: Int = 0
    /// `evicted_unfetched`
    public var evictedUnfetched: Int = 0
    /// `crawler_reclaimed`
    public var crawlerReclaimed: Int = 0

    public init(id: Int, chunkSize: Int, chunksPerPage: Int) {
        self.id = id
        self.chunkSize = chunkSize
        self.chunksPerPage = chunksPerPage
    }
}
