import Storage
import Testing

@Suite struct FlushTests {
    @Test func flushWithoutDelayHidesEverythingStoredBefore() {
        let harness = CacheHarness()
        harness.set("a", "1")
        harness.clock.advance(by: 3)
        harness.set("b", "2")
        harness.cache.flushAll(delay: 0)
        #expect(harness.get("a") == nil)
        #expect(harness.get("b") == nil)
        #expect(harness.cache.statistics().getFlushed == 2)
    }

    @Test func itemsStoredAfterAFlushInTheSameSecondSurvive() {
        let harness = CacheHarness()
        harness.set("old", "1")
        harness.cache.flushAll(delay: 0)
        harness.set("new", "2")
        #expect(harness.get("old") == nil)
        #expect(harness.get("new") == "2")
        harness.clock.advance(by: 1)
        #expect(harness.get("new") == "2")
    }

    /// memcached reads a unix time from before it started as "no flush": the marks are cleared.
    @Test func flushAtATimeBeforeTheCacheStartedCancelsFlushing() {
        let harness = CacheHarness()
        harness.set("a", "1")
        harness.cache.flushAll(delay: 1_215_752_191)
        #expect(harness.get("a") == "1")
        harness.clock.advance(by: 2)
        harness.set("b", "2")
        harness.cache.flushAll(delay: 0)
        #expect(harness.get("b") == nil)
    }

    @Test func negativeDelayFlushesNow() {
        let harness = CacheHarness()
        harness.set("a", "1")
        harness.cache.flushAll(delay: -5)
        #expect(harness.get("a") == nil)
    }

    @Test func delayedFlushTakesEffectOneSecondBeforeItsTimeLikeMemcached() {
        let harness = CacheHarness()
        harness.set("a", "1")
        harness.cache.flushAll(delay: 10)
        harness.set("b", "2")
        harness.clock.advance(by: 8)
        #expect(harness.get("a") == "1")
        #expect(harness.get("b") == "2")
        harness.clock.advance(by: 1)
        #expect(harness.get("a") == nil)
        #expect(harness.get("b") == nil)
        harness.clock.advance(by: 1)
        harness.set("c", "3")
        #expect(harness.get("c") == "3")
    }

    @Test func flushWithOneSecondDelayIsImmediate() {
        let harness = CacheHarness()
        harness.set("a", "1")
        harness.cache.flushAll(delay: 1)
        #expect(harness.get("a") == nil)
    }

    @Test func flushedItemsKeepTheirBytesUntilTouchedOrSwept() {
        let harness = CacheHarness()
        for index in 0..<50 { harness.set("k\(index)", "value") }
        let before = harness.cache.statistics().bytes
        harness.cache.flushAll(delay: 0)
        #expect(harness.cache.statistics().bytes == before)
        #expect(harness.liveKeys().isEmpty)
        var removed = 0
        for _ in 0..<100 { removed += harness.cache.sweepExpired(budget: 1000) }
        #expect(removed == 50)
        #expect(harness.cache.statistics().bytes == 0)
    }

    @Test func addAndReplaceTreatFlushedItemsAsMissing() {
        let harness = CacheHarness()
        harness.set("a", "1")
        harness.set("b", "1")
        harness.cache.flushAll(delay: 0)
        #expect(harness.store(.replace, "a", "2") == .notStored)
        #expect(harness.store(.add, "b", "2").isStored)
        #expect(harness.get("b") == "2")
    }
}
