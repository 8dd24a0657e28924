import Benchmark
import Protocol
import Storage

/// `Cache` operations as `CommandExecutor` calls them, on a cache shaped like the server's defaults (64 MB,
/// 64 shards) and filled with the `small` workload's 100 000 keys of 32 bytes.
enum CacheBenchmarks {
    static func register() {
        let cache = filledCache()
        let hits = ByteTable(Workload.keyNumbers().map(Workload.key))
        let misses = ByteTable(Workload.keyNumbers(first: Workload.keySpace + 1).map(Workload.key))
        let value32 = Workload.permanent(Workload.value(32))
        let output = ByteBuffer()
        var next = 0

        // A hit copies the item's ready reply into the connection's output buffer, which a write empties.
        Benchmark("Cache.getHit", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                let found = cache.withItem(key: hits.entry(next)) { item in
                    output.append("VALUE ")
                    output.append(item.valueLine)
                    return true
                }
                guard found != nil else { fatalError("a filled key missed") }
                output.removeAll()
            }
        }

        Benchmark("Cache.getMiss", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                let found = cache.withItem(key: misses.entry(next)) { item in
                    output.append(item.valueLine)
                    return true
                }
                guard found == nil else { fatalError("an absent key hit") }
            }
        }

        // Overwrites a live key: a new item block is built from the arena's pages, the old one freed to them.
        Benchmark("Cache.set32B", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                let result = cache.store(.set, key: hits.entry(next), flags: 0, exptime: 0, value: value32)
                guard case .stored = result else { fatalError("set 32 B: \(result)") }
            }
        }

        let evicting = evictingCache()
        let sessionKeys = ByteTable(Workload.keyNumbers(space: sessionKeySpace).map(Workload.key))
        let value4K = Workload.permanent(Workload.value(4096))
        // Each set of 4 KB into a full 4 MB cache evicts older items to make room; blocks up to 16 KB come from the
        // arena's pages too.
        Benchmark("Cache.set4KBEvicting", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                let result = evicting.store(.set, key: sessionKeys.entry(next), flags: 0, exptime: 0, value: value4K)
                guard case .stored = result else { fatalError("set 4 KB: \(result)") }
            }
        }

        let counterStart = Workload.permanent(Array("1000000000".utf8))
        let counters = ByteTable((0..<1024).map { Array("counter-\($0)".utf8) })
        for index in 0..<counters.count {
            _ = cache.store(.set, key: counters.entry(index), flags: 0, exptime: 0, value: counterStart)
        }
        // Same number of digits for the whole run, so each incr rewrites the value in place.
        Benchmark("Cache.incr", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                let result = cache.arithmetic(key: counters.entry(next), delta: 1, increment: true)
                guard case .value = result else { fatalError("incr: \(result)") }
            }
        }
    }

    /// The `session` workload's key space: 20 000 keys of 4 KB, far more than `evictingCache` holds.
    static let sessionKeySpace = 20_000

    /// The server's default cache (`-m 64`, 64 shards) holding `memtier-1...memtier-100000` with 32-byte values.
    static func filledCache() -> Cache {
        let cache = Cache(
            configuration: CacheConfiguration(memoryLimit: 64 << 20, shardCount: 64), clock: SystemClock())
        let value = Workload.value(32)
        for number in 1...Workload.keySpace {
            let result = Workload.key(number).withUnsafeBytes { key in
                value.withUnsafeBytes { cache.store(.set, key: key, flags: 0, exptime: 0, value: $0) }
            }
            guard case .stored = result else { fatalError("fill: \(result)") }
        }
        return cache
    }

    /// `-m 4` with every `session` key set once: full, so from here on every new item evicts.
    static func evictingCache() -> Cache {
        let cache = Cache(configuration: CacheConfiguration(memoryLimit: 4 << 20, shardCount: 64), clock: SystemClock())
        let value = Workload.value(4096)
        for number in 1...sessionKeySpace {
            _ = Workload.key(number).withUnsafeBytes { key in
                value.withUnsafeBytes { cache.store(.set, key: key, flags: 0, exptime: 0, value: $0) }
            }
        }
        precondition(cache.statistics().evictions > 0, "the 4 MB cache should be evicting")
        return cache
    }
}
