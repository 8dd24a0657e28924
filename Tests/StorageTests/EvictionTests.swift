import Storage
import Testing

@Suite struct EvictionTests {
    /// A one-shard cache that holds exactly `capacity` items of the uniform size used by `fill`.
    static func uniformCache(capacity: Int, evictionEnabled: Bool = true) -> CacheHarness {
        let probe = CacheHarness()
        probe.set("k00", String(repeating: "v", count: 100))
        let itemSize = probe.item("k00") { $0.totalSize }!
        return CacheHarness(memoryLimit: itemSize * capacity, evictionEnabled: evictionEnabled, shardCount: 1)
    }

    static func fill(_ harness: CacheHarness, _ range: Range<Int>, exptime: Int64 = 0) {
        for index in range {
            let key = index < 10 ? "k0\(index)" : "k\(index)"
            #expect(harness.set(key, String(repeating: "v", count: 100), exptime: exptime).isStored)
        }
    }

    @Test func evictsTheLeastRecentlyUsedItemFirst() {
        let harness = Self.uniformCache(capacity: 10)
        Self.fill(harness, 0..<10)
        #expect(harness.get("k00") != nil)
        Self.fill(harness, 10..<12)
        #expect(harness.get("k00") != nil)
        #expect(harness.get("k01") == nil)
        #expect(harness.get("k02") == nil)
        #expect(harness.get("k03") != nil)
        let statistics = harness.cache.statistics()
        #expect(statistics.evictions == 2)
        #expect(statistics.evictedUnfetched == 2)
        #expect(statistics.currItems == 10)
    }

    @Test func failedAddBumpsTheExistingItem() {
        let harness = Self.uniformCache(capacity: 10)
        Self.fill(harness, 0..<10)
        #expect(harness.store(.add, "k00", "ignored") == .notStored)
        Self.fill(harness, 10..<11)
        #expect(harness.get("k00") != nil)
        #expect(harness.get("k01") == nil)
    }

    @Test func evictedFetchedItemsAreNotCountedAsUnfetched() {
        let harness = Self.uniformCache(capacity: 2)
        Self.fill(harness, 0..<2)
        _ = harness.get("k00")
        _ = harness.get("k01")
        Self.fill(harness, 2..<3)
        let statistics = harness.cache.statistics()
        #expect(statistics.evictions == 1)
        #expect(statistics.evictedUnfetched == 0)
    }

    @Test func expiredItemsAtTheTailAreReclaimedBeforeEvicting() {
        let harness = Self.uniformCache(capacity: 4)
        Self.fill(harness, 0..<2, exptime: 10)
        Self.fill(harness, 2..<4)
        harness.clock.advance(by: 10)
        Self.fill(harness, 4..<6)
        let statistics = harness.cache.statistics()
        #expect(statistics.evictions == 0)
        #expect(statistics.reclaimed == 2)
        #expect(statistics.expiredUnfetched == 2)
        #expect(harness.liveKeys() == ["k02", "k03", "k04", "k05"])
    }

    @Test func withoutEvictionAFullCacheAnswersOutOfMemory() {
        let harness = Self.uniformCache(capacity: 3, evictionEnabled: false)
        Self.fill(harness, 0..<3)
        #expect(harness.set("k03", String(repeating: "v", count: 100)) == .outOfMemory)
        #expect(harness.liveKeys() == ["k00", "k01", "k02"])
        #expect(harness.cache.statistics().outOfMemory == 1)
        #expect(harness.cache.statistics().evictions == 0)
    }

    @Test func withoutEvictionExpiredItemsStillMakeRoom() {
        let harness = Self.uniformCache(capacity: 3, evictionEnabled: false)
        Self.fill(harness, 0..<1, exptime: 5)
        Self.fill(harness, 1..<3)
        harness.clock.advance(by: 6)
        #expect(harness.set("k03", String(repeating: "v", count: 100)).isStored)
        #expect(harness.cache.statistics().reclaimed == 1)
    }

    @Test func overwritingAnItemNeedsOnlyTheGrowth() {
        let harness = Self.uniformCache(capacity: 3, evictionEnabled: false)
        Self.fill(harness, 0..<3)
        #expect(harness.set("k01", String(repeating: "w", count: 100)).isStored)
        #expect(harness.set("k01", String(repeating: "w", count: 10)).isStored)
        #expect(harness.set("k01", String(repeating: "w", count: 100)).isStored)
        #expect(harness.set("k01", String(repeating: "w", count: 101)) == .outOfMemory)
        #expect(harness.get("k01") == String(repeating: "w", count: 100))
    }

    @Test func failedAppendForLackOfMemoryIsNotStored() {
        let harness = Self.uniformCache(capacity: 2, evictionEnabled: false)
        Self.fill(harness, 0..<2)
        #expect(harness.store(.append, "k00", "more") == .notStored)
        #expect(harness.get("k00")?.count == 100)
    }

    @Test func memoryBoundHoldsWhileFillingTenTimesTheLimit() {
        let limit = 256 << 10
        let harness = CacheHarness(memoryLimit: limit, itemSizeMax: 64 << 10, shardCount: 8)
        var generator = SystemRandomNumberGenerator()
        var written = 0
        var index = 0
        while written < 10 * limit {
            let size = Int.random(in: 0...8000, using: &generator)
            #expect(harness.set("key-\(index)", String(repeating: "x", count: size)).isStored)
            written += size
            index += 1
            #expect(harness.cache.statistics().bytes <= limit)
        }
        var seenBytes = 0
        var seenItems = 0
        harness.cache.forEachItem {
            seenBytes += $0.totalSize
            seenItems += 1
        }
        let statistics = harness.cache.statistics()
        #expect(statistics.bytes == seenBytes)
        #expect(statistics.currItems == seenItems)
        #expect(statistics.evictions > 0)
    }

    @Test func memoryBoundWithoutEvictionRefusesInsteadOfExceeding() {
        let limit = 128 << 10
        let harness = CacheHarness(memoryLimit: limit, itemSizeMax: 64 << 10, evictionEnabled: false, shardCount: 8)
        var outOfMemory = 0
        for index in 0..<400 {
            let result = harness.set("key-\(index)", String(repeating: "x", count: (index * 37) % 5000))
            if result == .outOfMemory { outOfMemory += 1 } else { #expect(result.isStored) }
            #expect(harness.cache.statistics().bytes <= limit)
        }
        #expect(outOfMemory > 0)
        #expect(harness.cache.statistics().evictions == 0)
    }

    @Test func itemLargerThanTheWholeMemoryIsRefused() {
        let harness = CacheHarness(memoryLimit: 1000, itemSizeMax: 4096, shardCount: 2)
        #expect(harness.set("big", String(repeating: "x", count: 2000)) == .outOfMemory)
        #expect(harness.cache.statistics().bytes == 0)
    }

    @Test func evictsFromOtherShardsWhenTheHomeShardHasNothingToGive() {
        let probe = CacheHarness()
        probe.set("key-1000", String(repeating: "v", count: 100))
        let itemSize = probe.item("key-1000") { $0.totalSize }!
        let harness = CacheHarness(memoryLimit: itemSize * 10, shardCount: 64)
        for index in 0..<300 {
            #expect(harness.set("key-\(1000 + index)", String(repeating: "v", count: 100)).isStored)
            #expect(harness.cache.statistics().bytes <= itemSize * 10)
        }
        let statistics = harness.cache.statistics()
        #expect(statistics.currItems == 10)
        #expect(statistics.evictions == 290)
    }
}
