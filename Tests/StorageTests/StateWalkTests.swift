import Dispatch
import Storage
import Synchronization
import Testing

@Suite struct StateWalkTests {
    /// What one walker thread saw; written by that thread only and read after it has joined.
    final class WalkRecord: @unchecked Sendable {
        var walks = 0
        var chunks = 0
        var duplicates = 0
        var missing = 0
    }

    final class WalkProgress: Sendable {
        let finishedWriters = Atomic<Int>(0)
    }

    @Test func walkVisitsEveryLiveEntryOnceAcrossChunks() {
        let harness = CacheHarness(shardCount: 4)
        for index in 0..<3000 { harness.set("live-\(index)", "v") }
        for index in 0..<500 { _ = harness.delete("live-\(index)") }
        for index in 0..<200 { harness.set("expiring-\(index)", "v", exptime: 5) }
        harness.clock.advance(by: 5)
        var seen: [String: Int] = [:]
        var chunks = 0
        for shard in 0..<harness.cache.shardCount {
            var bucket: Int? = 0
            while let start = bucket {
                chunks += 1
                var visited = 0
                bucket = harness.cache.forEachState(shard: shard, startBucket: start, limit: 20) { state in
                    seen[String(decoding: state.key, as: UTF8.self), default: 0] += 1
                    visited += 1
                }
                // Whole buckets: a chunk may pass its limit by one bucket's chain, no more.
                #expect(visited < 40)
            }
        }
        #expect(seen.count == 3000)
        #expect(seen.values.allSatisfy { $0 == 1 })
        #expect(chunks > 3000 / 20)
    }

    @Test func walkVisitsEveryEntryExactlyOnceWhileTheIndexGrowsBetweenChunks() {
        let harness = CacheHarness(shardCount: 1)
        let stableCount = 600
        for index in 0..<stableCount { harness.set("stable-\(index)", "v") }
        var counts: [String: Int] = [:]
        var bucket: Int? = 0
        var written = 0
        var chunks = 0
        while let start = bucket {
            bucket = harness.cache.forEachState(shard: 0, startBucket: start, limit: 10) {
                counts[String(decoding: $0.key, as: UTF8.self), default: 0] += 1
            }
            chunks += 1
            // Between the first chunks, writes that double the index five times (bounded, so nothing is evicted).
            if chunks <= 60 {
                for _ in 0..<300 {
                    harness.set("new-\(written)", "w")
                    written += 1
                }
            }
        }
        #expect(chunks > 60)
        #expect(harness.cache.statistics().evictions == 0)
        #expect(counts.values.allSatisfy { $0 == 1 })
        for index in 0..<stableCount { #expect(counts["stable-\(index)"] == 1) }
    }

    @Test func walkVisitsEveryEntryExactlyOnceWhileOthersWrite() {
        let harness = CacheHarness(shardCount: 2)
        let stableCount = 2000
        for index in 0..<stableCount { harness.set("stable-\(index)", "v") }
        for index in 0..<200 { _ = harness.delete("stable-\(index)") }
        let writers = 2
        let progress = WalkProgress()
        let record = WalkRecord()
        DispatchQueue.concurrentPerform(iterations: writers + 1) { thread in
            if thread == writers {
                // Walk again and again while the writers run, so walks overlap the index doubling.
                repeat {
                    var counts: [String: Int] = [:]
                    for shard in 0..<harness.cache.shardCount {
                        var bucket: Int? = 0
                        while let start = bucket {
                            record.chunks += 1
                            bucket = harness.cache.forEachState(shard: shard, startBucket: start, limit: 16) {
                                counts[String(decoding: $0.key, as: UTF8.self), default: 0] += 1
                            }
                        }
                    }
                    record.walks += 1
                    record.duplicates += counts.values.filter { $0 > 1 }.count
                    record.missing += (0..<stableCount).filter { counts["stable-\($0)"] != 1 }.count
                } while progress.finishedWriters.load(ordering: .acquiring) < writers
            } else {
                // Enough new keys to double each shard's index several times.
                var generator = SplitMix(seed: UInt64(thread))
                for index in 0..<40_000 {
                    let key = "new-\(thread)-\(index)"
                    harness.set(key, "w")
                    if generator.next() % 4 == 0 { _ = harness.delete(key) }
                }
                progress.finishedWriters.add(1, ordering: .releasing)
            }
        }
        #expect(record.walks >= 1 && record.chunks > 1)
        #expect(record.duplicates == 0)
        #expect(record.missing == 0)
    }
}
