/// Limits and layout of a `Cache`, mirroring memcached's `-m`, `-I` and `-M` options.
public struct CacheConfiguration: Sendable {
    /// Upper bound, in bytes, on the sum of all item sizes (memcached `-m`); tombstones count against it too.
    public var memoryLimit: Int
    /// Largest item accepted, in bytes, measured as memcached measures an item (memcached `-I`).
    public var itemSizeMax: Int
    /// Whether a full cache evicts from the LRU tail; `false` (memcached `-M`) answers `.outOfMemory` instead.
    public var evictionEnabled: Bool
    /// Number of independently locked shards; rounded up to a power of two.
    public var shardCount: Int
    /// Seconds a deleted key keeps its tombstone, so an older replicated write cannot bring it back.
    public var tombstoneLifetime: Int64
    /// memcached's `-f`: how much each size class's chunk is larger than the last one's.
    public var sizeClassGrowthFactor = 1.25
    /// memcached's `-n`: the smallest chunk's room for key, value and flags, beyond the item header.
    public var sizeClassMinimumDataSize = 48

    public init(
        memoryLimit: Int = 64 << 20, itemSizeMax: Int = 1 << 20, evictionEnabled: Bool = true, shardCount: Int = 64,
        tombstoneLifetime: Int64 = 3600
    ) {
        self.memoryLimit = memoryLimit
        self.itemSizeMax = itemSizeMax
        self.evictionEnabled = evictionEnabled
        self.shardCount = shardCount
        self.tombstoneLifetime = tombstoneLifetime
    }
}
