import Storage
import Testing

@Suite struct TombstoneTests {
    @Test func deletedKeysLeaveInvisibleTombstones() {
        let harness = CacheHarness()
        harness.set("gone", "value")
        harness.set("kept", "value")
        #expect(harness.delete("gone"))
        #expect(harness.get("gone") == nil)
        #expect(harness.store(.replace, "gone", "x") == .notStored)
        #expect(harness.incr("gone", 1) == .notFound)
        #expect(!harness.touch("gone", exptime: 10))
        #expect(harness.liveKeys() == ["kept"])
        let statistics = harness.cache.statistics()
        #expect(statistics.currItems == 1)
        #expect(statistics.bytes == harness.item("kept") { $0.totalSize })
        #expect(statistics.tombstones == 1 && statistics.tombstoneBytes > 0)
        let walked = harness.walkedStates()
        #expect(walked["gone"]?.isTombstone == true)
        #expect(walked["kept"]?.isTombstone == false)
    }

    @Test func aStoreReplacesTheTombstone() {
        let harness = CacheHarness()
        harness.set("a", "1")
        harness.set("b", "1")
        _ = harness.delete("a")
        _ = harness.delete("b")
        #expect(harness.store(.add, "a", "2").isStored)
        #expect(harness.set("b", "3").isStored)
        #expect(harness.get("a") == "2" && harness.get("b") == "3")
        let statistics = harness.cache.statistics()
        #expect(statistics.tombstones == 0 && statistics.tombstoneBytes == 0 && statistics.currItems == 2)
    }

    @Test func tombstonesLastTheirLifetimeThenTheSweepRemovesThem() {
        let harness = CacheHarness(shardCount: 2, tombstoneLifetime: 10)
        for index in 0..<20 { harness.set("k\(index)", "v") }
        for index in 0..<20 { _ = harness.delete("k\(index)") }
        harness.clock.advance(by: 9)
        for _ in 0..<10 { _ = harness.cache.sweepExpired(budget: 1000) }
        #expect(harness.cache.statistics().tombstones == 20)
        #expect(harness.walkedStates().count == 20)
        harness.clock.advance(by: 1)
        // Old tombstones are no longer sent in a walk, even before the sweep drops them.
        #expect(harness.walkedStates().isEmpty)
        var removed = 0
        for _ in 0..<10 { removed += harness.cache.sweepExpired(budget: 1000) }
        #expect(removed == 0)
        let statistics = harness.cache.statistics()
        #expect(statistics.tombstones == 0 && statistics.tombstoneBytes == 0 && statistics.bytes == 0)
    }

    @Test func tombstonesGoBeforeLiveItemsWhenMemoryRunsShort() {
        let probe = CacheHarness()
        probe.set("keep-00", String(repeating: "v", count: 200))
        let itemSize = probe.item("keep-00") { $0.totalSize }!
        let harness = CacheHarness(memoryLimit: itemSize * 40, shardCount: 1)
        for index in 0..<20 { harness.set("keep-\(index)", String(repeating: "v", count: 200)) }
        for index in 0..<19 { harness.set("drop-\(index)", String(repeating: "v", count: 200)) }
        for index in 0..<19 { _ = harness.delete("drop-\(index)") }
        #expect(harness.cache.statistics().tombstones == 19)
        for index in 0..<19 { harness.set("new-\(index)", String(repeating: "v", count: 200)) }
        let statistics = harness.cache.statistics()
        #expect(statistics.evictions == 0)
        #expect(statistics.tombstones < 19)
        #expect(statistics.currItems == 39)
        #expect(statistics.bytes + statistics.tombstoneBytes <= itemSize * 40)
    }

    @Test func withoutEvictionTombstonesStillMakeRoom() {
        let harness = CacheHarness(memoryLimit: 16 << 10, evictionEnabled: false, shardCount: 1)
        var index = 0
        while harness.set("k\(index)", String(repeating: "v", count: 100)).isStored { index += 1 }
        for victim in 0..<index { _ = harness.delete("k\(victim)") }
        #expect(harness.cache.statistics().tombstones == index)
        for fresh in 0..<(index / 2) {
            #expect(harness.set("fresh\(fresh)", String(repeating: "w", count: 100)).isStored)
        }
    }

    @Test func memoryBoundHoldsWithTombstones() {
        let limit = 256 << 10
        let harness = CacheHarness(memoryLimit: limit, itemSizeMax: 16 << 10, shardCount: 4)
        var generator = SplitMix(seed: 99)
        var refused = 0
        var mostTombstones = 0
        for round in 0..<20_000 {
            let key = "k\(generator.next() % 5000)"
            if generator.next() % 2 == 0 {
                if !harness.set(key, String(repeating: "x", count: Int(generator.next() % 3000))).isStored {
                    refused += 1
                }
            } else {
                _ = harness.delete(key)
            }
            if round % 50 == 0 {
                let statistics = harness.cache.statistics()
                #expect(statistics.bytes + statistics.tombstoneBytes <= limit)
                mostTombstones = max(mostTombstones, statistics.tombstones)
            }
        }
        let statistics = harness.cache.statistics()
        #expect(refused == 0)
        // Full, the cache gives up tombstones before items, so they come and go.
        #expect(mostTombstones > 0)
        #expect(statistics.bytes + statistics.tombstoneBytes <= limit)
        var itemBytes = 0
        harness.cache.forEachItem { itemBytes += $0.totalSize }
        #expect(itemBytes == statistics.bytes)
    }
}
