import Dispatch
import Storage
import Testing

@Suite struct ConcurrencyTests {
    @Test func mixedOperationsOnOverlappingKeysStayConsistent() {
        let harness = CacheHarness(memoryLimit: 1 << 20, shardCount: 8)
        let threads = 8
        let operationsPerThread = 20_000
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var generator = SplitMix(seed: UInt64(thread + 1))
            for _ in 0..<operationsPerThread {
                let key = "key-\(generator.next() % 300)"
                switch generator.next() % 8 {
                case 0, 1: harness.set(key, String(repeating: "x", count: Int(generator.next() % 2000)))
                case 2: _ = harness.delete(key)
                case 3: _ = harness.incr(key, 1)
                case 4: harness.store(.append, key, "tail")
                case 5: harness.store(.add, key, "7", exptime: Int64(generator.next() % 3))
                default: _ = harness.get(key)
                }
                if generator.next() % 1000 == 0 { harness.clock.advance(by: 1) }
            }
        }
        var seenBytes = 0
        var seenItems = 0
        var wellFormed = true
        harness.cache.forEachItem { item in
            seenBytes += item.totalSize
            seenItems += 1
            let header = "\(String(decoding: item.key, as: UTF8.self)) \(item.flags) \(item.value.count)"
            wellFormed = wellFormed && String(decoding: item.valueLineHeader, as: UTF8.self) == header
            wellFormed = wellFormed && item.valueLine.count == item.valueLineHeader.count + item.value.count + 4
        }
        let statistics = harness.cache.statistics()
        #expect(wellFormed)
        #expect(statistics.bytes <= 1 << 20)
        #expect(statistics.currItems >= seenItems)
        for _ in 0..<1000 where harness.cache.sweepExpired(budget: 1 << 20) > 0 {}
        let swept = harness.cache.statistics()
        #expect(swept.currItems == seenItems)
        #expect(swept.bytes == seenBytes)
    }

    @Test func concurrentIncrementsAreNotLost() {
        let harness = CacheHarness(shardCount: 4)
        harness.set("counter", "0")
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<5000 { _ = harness.incr("counter", 1) }
        }
        // In-place incr pads with spaces; "0" grows to "40000" by new items, so no padding is left here.
        #expect(harness.get("counter") == "40000")
    }

    @Test func concurrentStoresGetDistinctCasUniques() {
        let harness = CacheHarness(shardCount: 16)
        let threads = 8
        let perThread = 2000
        let uniques = ThreadSlots(count: threads * perThread)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in 0..<perThread {
                let unique = harness.set("t\(thread)-\(index % 50)", "v").casUnique!
                uniques[thread * perThread + index] = unique
            }
        }
        #expect(Set(uniques.all).count == threads * perThread)
    }

    @Test func memoryBoundHoldsUnderConcurrentFillAndEveryStoreSucceeds() {
        let limit = 512 << 10
        let harness = CacheHarness(memoryLimit: limit, itemSizeMax: 64 << 10, shardCount: 8)
        let threads = 6
        let refusedStores = ThreadSlots(count: threads)
        let overLimitReadings = ThreadSlots(count: threads)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var generator = SplitMix(seed: UInt64(thread) &* 7919)
            var refused: UInt64 = 0
            var overLimit: UInt64 = 0
            for index in 0..<3000 {
                let size = Int(generator.next() % 6000)
                if !harness.set("k\(thread)-\(index)", String(repeating: "z", count: size)).isStored { refused += 1 }
                if index % 100 == 0 && harness.cache.statistics().bytes > limit { overLimit += 1 }
            }
            refusedStores[thread] = refused
            overLimitReadings[thread] = overLimit
        }
        #expect(refusedStores.all.reduce(0, +) == 0)
        #expect(overLimitReadings.all.reduce(0, +) == 0)
        #expect(harness.cache.statistics().bytes <= limit)
    }
}
