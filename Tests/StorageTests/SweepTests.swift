import Storage
import Testing

@Suite struct SweepTests {
    @Test func sweepRemovesExpiredItemsWithinItsBudget() {
        let harness = CacheHarness(shardCount: 4)
        for index in 0..<100 { harness.set("expiring-\(index)", "v", exptime: 10) }
        for index in 0..<100 { harness.set("lasting-\(index)", "v") }
        harness.clock.advance(by: 10)
        var removed = 0
        var steps = 0
        while removed < 100 && steps < 1000 {
            let step = harness.cache.sweepExpired(budget: 10)
            #expect(step <= 10)
            removed += step
            steps += 1
        }
        #expect(removed == 100)
        #expect(steps >= 10)
        let statistics = harness.cache.statistics()
        #expect(statistics.currItems == 100)
        #expect(statistics.crawlerReclaimed == 100)
        #expect(statistics.expiredUnfetched == 100)
        #expect(harness.liveKeys().count == 100)
    }

    @Test func sweepLeavesLiveItemsAlone() {
        let harness = CacheHarness(shardCount: 2)
        for index in 0..<50 { harness.set("k\(index)", "v", exptime: 100) }
        var removed = 0
        for _ in 0..<20 { removed += harness.cache.sweepExpired(budget: 100) }
        #expect(removed == 0)
        #expect(harness.cache.statistics().currItems == 50)
    }

    @Test func sweepOfAnEmptyCacheReturnsZero() {
        let harness = CacheHarness()
        #expect(harness.cache.sweepExpired(budget: 100) == 0)
    }

    @Test func sweepResumesWhereItStopped() {
        let harness = CacheHarness(shardCount: 1)
        for index in 0..<30 { harness.set("k\(index)", "v", exptime: 1) }
        harness.clock.advance(by: 1)
        #expect(harness.cache.sweepExpired(budget: 7) == 7)
        #expect(harness.cache.sweepExpired(budget: 7) == 7)
        #expect(harness.cache.sweepExpired(budget: 100) == 16)
        #expect(harness.cache.statistics().bytes == 0)
    }
}
