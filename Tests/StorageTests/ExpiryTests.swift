import Storage
import Testing

@Suite struct ExpiryTests {
    @Test func zeroExptimeNeverExpires() {
        let harness = CacheHarness()
        harness.set("k", "v", exptime: 0)
        harness.clock.advance(by: 100_000_000)
        #expect(harness.get("k") == "v")
        #expect(harness.item("k") { $0.expiresAt } == 0)
    }

    @Test func relativeExptimeExpiresAtNowPlusExptime() {
        let harness = CacheHarness()
        harness.set("k", "v", exptime: 10)
        harness.clock.advance(by: 9)
        #expect(harness.get("k") == "v")
        harness.clock.advance(by: 1)
        #expect(harness.get("k") == nil)
        #expect(harness.cache.statistics().getExpired == 1)
    }

    @Test func absoluteExptimeExpiresAtThatTime() {
        let harness = CacheHarness()
        harness.set("k", "v", exptime: CacheHarness.startTime + 100)
        #expect(harness.item("k") { $0.expiresAt } == CacheHarness.startTime + 100)
        harness.clock.advance(by: 99)
        #expect(harness.get("k") == "v")
        harness.clock.advance(by: 1)
        #expect(harness.get("k") == nil)
    }

    @Test func absoluteExptimeInThePastIsStoredButNeverReturned() {
        let harness = CacheHarness()
        harness.set("k", "old")
        #expect(harness.set("k", "v", exptime: CacheHarness.startTime - 1).isStored)
        #expect(harness.get("k") == nil)
    }

    @Test func negativeExptimeIsStoredButNeverReturned() {
        let harness = CacheHarness()
        harness.set("k", "old")
        #expect(harness.set("k", "v", exptime: -1).isStored)
        #expect(harness.get("k") == nil)
        #expect(!harness.delete("k"))
    }

    @Test func thirtyDaysIsTheLastRelativeExptime() {
        let harness = CacheHarness()
        harness.set("relative", "v", exptime: 2_592_000)
        harness.set("absolute", "v", exptime: 2_592_001)
        #expect(harness.item("relative") { $0.expiresAt } == CacheHarness.startTime + 2_592_000)
        #expect(harness.get("absolute") == nil)
        harness.clock.advance(by: 2_591_999)
        #expect(harness.get("relative") == "v")
        harness.clock.advance(by: 1)
        #expect(harness.get("relative") == nil)
    }

    @Test func touchSetsANewExpiry() {
        let harness = CacheHarness()
        harness.set("k", "v", exptime: 10)
        harness.clock.advance(by: 5)
        #expect(harness.touch("k", exptime: 100))
        harness.clock.advance(by: 50)
        #expect(harness.get("k") == "v")
        harness.clock.advance(by: 50)
        #expect(harness.get("k") == nil)
    }

    @Test func touchOfMissingOrExpiredKeyFails() {
        let harness = CacheHarness()
        #expect(!harness.touch("absent", exptime: 10))
        harness.set("k", "v", exptime: 1)
        harness.clock.advance(by: 1)
        #expect(!harness.touch("k", exptime: 100))
    }

    @Test func touchWithZeroRemovesTheExpiry() {
        let harness = CacheHarness()
        harness.set("k", "v", exptime: 10)
        #expect(harness.touch("k", exptime: 0))
        harness.clock.advance(by: 1000)
        #expect(harness.get("k") == "v")
    }

    @Test func getAndTouchReturnsTheItemAndSetsTheExpiry() {
        let harness = CacheHarness()
        harness.set("k", "v", exptime: 10)
        #expect(harness.get("k", touchExptime: 1000) == "v")
        #expect(harness.item("k") { $0.expiresAt } == CacheHarness.startTime + 1000)
        harness.clock.advance(by: 999)
        #expect(harness.get("k") == "v")
        harness.clock.advance(by: 1)
        #expect(harness.get("k") == nil)
    }

    @Test func getAndTouchWithNegativeExptimeReturnsTheItemOnceThenItIsGone() {
        let harness = CacheHarness()
        harness.set("k", "v")
        #expect(harness.get("k", touchExptime: -1) == "v")
        #expect(harness.get("k") == nil)
    }

    @Test func getMarksFetchedAndRefreshesLastAccess() {
        let harness = CacheHarness()
        harness.set("k", "v")
        harness.clock.advance(by: 30)
        var fetchedBeforeRead = true
        harness.cache.forEachItem { fetchedBeforeRead = $0.fetched }
        #expect(!fetchedBeforeRead)
        _ = harness.get("k")
        var fetchedAfterRead = false
        harness.cache.forEachItem { fetchedAfterRead = $0.fetched }
        #expect(fetchedAfterRead)
        #expect(harness.item("k") { $0.lastAccess } == CacheHarness.startTime + 30)
    }

    @Test func expiredItemIsRemovedOnAccessAndFreesItsBytes() {
        let harness = CacheHarness()
        harness.set("k", "v", exptime: 1)
        harness.clock.advance(by: 1)
        #expect(harness.cache.statistics().currItems == 1)
        #expect(harness.get("k") == nil)
        #expect(harness.cache.statistics().currItems == 0)
        #expect(harness.cache.statistics().bytes == 0)
    }

    @Test func forEachItemSkipsExpiredItems() {
        let harness = CacheHarness()
        harness.set("short", "v", exptime: 5)
        harness.set("long", "v", exptime: 500)
        harness.clock.advance(by: 5)
        #expect(harness.liveKeys() == ["long"])
    }
}
