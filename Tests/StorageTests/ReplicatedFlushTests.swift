import Storage
import Testing

@Suite struct ReplicatedFlushTests {
    static func version(_ milliseconds: UInt64, counter: UInt16 = 0, node: UInt32 = 1) -> Version {
        CacheHarness.version(milliseconds, counter: counter, node: node)
    }

    static let startMilliseconds = CacheHarness.startTime * 1000

    @Test func anImmediateLocalFlushSplitsVersionsAtItsMark() {
        let harness = CacheHarness()
        harness.set("before", "1")
        let before = harness.version(of: "before")!
        var reported: [FlushMark] = []
        let mark = harness.cache.flushAll(delay: 0) { reported.append($0) }
        harness.set("after", "2")
        #expect(reported == [mark])
        #expect(harness.cache.flushMark == mark)
        #expect(mark.version > before)
        #expect(before.milliseconds < UInt64(mark.atMilliseconds))
        #expect(harness.version(of: "after")!.milliseconds >= UInt64(mark.atMilliseconds))
        harness.clock.advance(milliseconds: 5)
        #expect(harness.get("before") == nil)
        #expect(harness.get("after") == "2")
    }

    @Test func aDelayedLocalFlushMarksTheSecondItTakesEffect() {
        let harness = CacheHarness()
        let mark = harness.cache.flushAll(delay: 10)
        #expect(mark.atMilliseconds == (CacheHarness.startTime + 9) * 1000)
    }

    @Test func aLocalFlushAlsoHidesOlderItemsAppliedAfterIt() {
        let harness = CacheHarness()
        let early = harness.cache.versions.next()
        harness.cache.flushAll(delay: 0)
        harness.clock.advance(milliseconds: 1)
        #expect(RecordedState(key: "late", value: "v", version: early).apply(to: harness.cache))
        #expect(harness.get("late") == nil)
    }

    @Test func anAppliedFlushHidesOlderItemsOnceItsTimeComes() {
        let harness = CacheHarness()
        harness.set("local", "1")
        RecordedState(key: "applied", value: "2", version: Self.version(100)).apply(to: harness.cache)
        let mark = FlushMark(atMilliseconds: Self.startMilliseconds + 500, version: Self.version(400))
        #expect(harness.cache.applyFlush(mark))
        #expect(harness.cache.flushMark == mark)
        #expect(harness.get("local") == "1")
        #expect(harness.get("applied") == "2")
        harness.clock.advance(milliseconds: 499)
        #expect(harness.get("local") == "1")
        harness.clock.advance(milliseconds: 1)
        #expect(harness.get("local") == nil)
        #expect(harness.get("applied") == nil)
        #expect(harness.cache.statistics().getFlushed == 2)
        harness.set("new", "3")
        #expect(harness.get("new") == "3")
        RecordedState(key: "newer", value: "4", version: Self.version(600)).apply(to: harness.cache)
        #expect(harness.get("newer") == "4")
    }

    @Test func theHigherFlushVersionWins() {
        let harness = CacheHarness()
        let newer = FlushMark(atMilliseconds: Self.startMilliseconds + 100, version: Self.version(100, node: 2))
        let older = FlushMark(atMilliseconds: Self.startMilliseconds + 900, version: Self.version(100, node: 1))
        #expect(harness.cache.applyFlush(newer))
        #expect(!harness.cache.applyFlush(older))
        #expect(!harness.cache.applyFlush(newer))
        #expect(harness.cache.flushMark == newer)
        let local = harness.cache.flushAll(delay: 0)
        #expect(local.version > newer.version)
        #expect(harness.cache.flushMark == local)
        #expect(!harness.cache.applyFlush(newer))
    }

    @Test func anAppliedFlushReplacesTheLocalOne() {
        let harness = CacheHarness()
        harness.cache.flushAll(delay: 0)
        harness.clock.advance(by: 1)
        harness.set("k", "v")
        let remote = FlushMark(
            atMilliseconds: Self.startMilliseconds + 60_000, version: Self.version(2_000, node: 5))
        #expect(harness.cache.applyFlush(remote))
        #expect(harness.get("k") == "v")
        harness.clock.advance(by: 59)
        #expect(harness.get("k") == nil)
    }

    @Test func walksSkipFlushedItems() {
        let harness = CacheHarness()
        harness.set("a", "1")
        harness.set("b", "2")
        _ = harness.delete("b")
        harness.cache.flushAll(delay: 0)
        harness.clock.advance(milliseconds: 1)
        let walked = harness.walkedStates()
        #expect(walked.keys.sorted() == ["b"])
    }
}
