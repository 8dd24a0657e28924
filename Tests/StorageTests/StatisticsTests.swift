import Storage
import Testing

@Suite struct StatisticsTests {
    @Test func totalItemsCountsEverySuccessfulStore() {
        let harness = CacheHarness()
        harness.set("a", "1")
        harness.set("a", "2")
        harness.store(.add, "a", "3")
        harness.store(.append, "a", "4")
        let statistics = harness.cache.statistics()
        #expect(statistics.totalItems == 3)
        #expect(statistics.currItems == 1)
    }

    @Test func resetClearsEventCountersButKeepsItemsAndBytes() {
        let harness = CacheHarness()
        harness.set("a", "1", exptime: 1)
        harness.set("b", "1")
        harness.clock.advance(by: 1)
        _ = harness.get("a")
        let before = harness.cache.statistics()
        #expect(before.getExpired == 1)
        harness.cache.resetStatistics()
        let after = harness.cache.statistics()
        #expect(after.getExpired == 0)
        #expect(after.totalItems == 0)
        #expect(after.currItems == 1)
        #expect(after.bytes == before.bytes)
    }

    @Test func itemSizeIsKeyPlusValuePlusOverhead() {
        let harness = CacheHarness()
        harness.set("key", String(repeating: "v", count: 1000))
        let small = harness.item("key") { $0.totalSize }!
        harness.set("key", String(repeating: "v", count: 2000))
        let large = harness.item("key") { $0.totalSize }!
        #expect(large - small == 1000)
        #expect(small > 1003)
        #expect(small < 1003 + 128)
        #expect(harness.cache.statistics().bytes == large)
    }

    @Test func sizeClassesFollowMemcachedsSlabs() {
        let harness = CacheHarness()
        let classes = harness.cache.sizeClassStatistics()
        #expect(classes.count == 39)
        #expect(classes.first?.chunkSize == 96)
        #expect(classes.dropFirst().first?.chunkSize == 120)
        #expect(classes.last?.chunkSize == 524_288)
        #expect(classes.allSatisfy { $0.chunkSize % 8 == 0 })
        #expect(classes.first?.chunksPerPage == 10922)
    }

    @Test func itemsLandInTheClassMemcachedWouldUse() {
        // memcached: 48 + key + 1 + data + 2 + 8; 96 bytes is class 1, 97 is class 2.
        let harness = CacheHarness()
        harness.set("a", String(repeating: "x", count: 36))
        harness.set("b", String(repeating: "x", count: 37))
        harness.set("c", String(repeating: "x", count: 32), flags: 1)
        harness.set("big", String(repeating: "x", count: 600_000))
        #expect(harness.item("a") { $0.sizeClass } == 1)
        #expect(harness.item("b") { $0.sizeClass } == 2)
        #expect(harness.item("c") { $0.sizeClass } == 1)
        #expect(harness.item("big") { $0.sizeClass } == 39)
        let classes = harness.cache.sizeClassStatistics()
        #expect(classes[0].items == 2)
        #expect(classes[0].requestedBytes == 192)
        #expect(classes[1].items == 1)
        #expect(classes[38].items == 1)
    }

    @Test func evictionsAreReportedPerClass() {
        let harness = EvictionTests.uniformCache(capacity: 2)
        EvictionTests.fill(harness, 0..<3)
        let sizeClass = harness.item("k02") { $0.sizeClass }!
        let classes = harness.cache.sizeClassStatistics()
        #expect(classes[sizeClass - 1].evictions == 1)
        #expect(classes[sizeClass - 1].evictedUnfetched == 1)
        #expect(classes.map(\.evictions).reduce(0, +) == 1)
    }
}
