import Storage

/// A cache on a manual clock plus string-based helpers, so tests read like protocol sessions.
struct CacheHarness {
    static let startTime: Int64 = 1_700_000_000

    let cache: Cache
    let clock: ManualClock

    init(
        memoryLimit: Int = 64 << 20, itemSizeMax: Int = 1 << 20, evictionEnabled: Bool = true, shardCount: Int = 64,
        tombstoneLifetime: Int64 = 3600, nodeID: UInt32 = 0
    ) {
        clock = ManualClock(now: Self.startTime)
        cache = Cache(
            configuration: CacheConfiguration(
                memoryLimit: memoryLimit, itemSizeMax: itemSizeMax, evictionEnabled: evictionEnabled,
                shardCount: shardCount, tombstoneLifetime: tombstoneLifetime),
            clock: clock,
            versions: VersionClock(nodeID: nodeID, clock: clock))
    }

    @discardableResult
    func store(
        _ operation: StoreOperation, _ key: String, _ value: String, flags: UInt32 = 0, exptime: Int64 = 0,
        cas: UInt64 = 0, changed: (ItemState) -> Void = { _ in }
    ) -> StoreResult {
        Array(key.utf8).withUnsafeBytes { keyBytes in
            Array(value.utf8).withUnsafeBytes { valueBytes in
                cache.store(
                    operation, key: keyBytes, flags: flags, exptime: exptime, value: valueBytes, casUnique: cas,
                    changed: changed)
            }
        }
    }

    @discardableResult
    func set(
        _ key: String, _ value: String, flags: UInt32 = 0, exptime: Int64 = 0, changed: (ItemState) -> Void = { _ in }
    ) -> StoreResult {
        store(.set, key, value, flags: flags, exptime: exptime, changed: changed)
    }

    /// The value of a live item, as a `get` would return it.
    func get(_ key: String, touchExptime: Int64? = nil, changed: (ItemState) -> Void = { _ in }) -> String? {
        Array(key.utf8).withUnsafeBytes { keyBytes in
            cache.withItem(key: keyBytes, touchExptime: touchExptime) {
                String(decoding: $0.value, as: UTF8.self)
            } changed: {
                changed($0)
            }
        }
    }

    func item<R>(_ key: String, _ body: (ItemView) -> R) -> R? {
        Array(key.utf8).withUnsafeBytes { cache.withItem(key: $0, body) }
    }

    func delete(_ key: String, changed: (ItemState) -> Void = { _ in }) -> Bool {
        Array(key.utf8).withUnsafeBytes { cache.delete(key: $0, changed: changed) }
    }

    func touch(_ key: String, exptime: Int64, changed: (ItemState) -> Void = { _ in }) -> Bool {
        Array(key.utf8).withUnsafeBytes { cache.touch(key: $0, exptime: exptime, changed: changed) }
    }

    func incr(_ key: String, _ delta: UInt64, changed: (ItemState) -> Void = { _ in }) -> ArithmeticResult {
        Array(key.utf8).withUnsafeBytes { cache.arithmetic(key: $0, delta: delta, increment: true, changed: changed) }
    }

    func decr(_ key: String, _ delta: UInt64, changed: (ItemState) -> Void = { _ in }) -> ArithmeticResult {
        Array(key.utf8).withUnsafeBytes {
            cache.arithmetic(key: $0, delta: delta, increment: false, changed: changed)
        }
    }

    /// The keys of every live item, as `forEachItem` reports them.
    func liveKeys() -> Set<String> {
        var keys = Set<String>()
        cache.forEachItem { keys.insert(String(decoding: $0.key, as: UTF8.self)) }
        return keys
    }
}
