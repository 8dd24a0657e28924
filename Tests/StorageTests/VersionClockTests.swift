import Dispatch
import Storage
import Testing

@Suite struct VersionClockTests {
    /// A clock that knows only whole seconds, to exercise `nowMilliseconds`'s default.
    struct SecondsClock: CacheClock {
        func now() -> Int64 { 1_700_000_123 }
    }

    @Test func versionsIncreaseUnderAFrozenClock() {
        let clock = ManualClock(now: CacheHarness.startTime)
        let versions = VersionClock(nodeID: 7, clock: clock)
        var previous = versions.next()
        #expect(previous.milliseconds == UInt64(CacheHarness.startTime) * 1000)
        #expect(previous.nodeID == 7)
        for _ in 0..<10_000 {
            let next = versions.next()
            #expect(next > previous)
            #expect(next.timestamp == previous.timestamp + 1)
            previous = next
        }
    }

    @Test func versionsFollowTheClockWhenItIsAhead() {
        let clock = ManualClock(now: CacheHarness.startTime)
        let versions = VersionClock(nodeID: 1, clock: clock)
        _ = versions.next()
        _ = versions.next()
        clock.advance(milliseconds: 10)
        let next = versions.next()
        #expect(next.milliseconds == UInt64(CacheHarness.startTime) * 1000 + 10)
        #expect(next.counter == 0)
    }

    @Test func observingMovesPastTheObservedVersionOnly() {
        let clock = ManualClock(now: CacheHarness.startTime)
        let versions = VersionClock(nodeID: 1, clock: clock)
        let remote = CacheHarness.version(5_000, counter: 9, node: 2)
        versions.observe(remote)
        let afterRemote = versions.next()
        #expect(afterRemote > remote)
        #expect(afterRemote.timestamp == remote.timestamp + 1)
        versions.observe(CacheHarness.version(0, node: 2))
        #expect(versions.next().timestamp == afterRemote.timestamp + 1)
    }

    @Test func concurrentVersionsAreDistinct() {
        let versions = VersionClock(nodeID: 3, clock: ManualClock(now: CacheHarness.startTime))
        let threads = 4
        let perThread = 20_000
        let timestamps = ThreadSlots(count: threads * perThread)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in 0..<perThread { timestamps[thread * perThread + index] = versions.next().timestamp }
        }
        #expect(Set(timestamps.all).count == threads * perThread)
    }

    @Test func clocksWithoutMillisecondsUseWholeSeconds() {
        #expect(SecondsClock().nowMilliseconds() == 1_700_000_123_000)
        let clock = ManualClock(now: 100)
        clock.advance(milliseconds: 1_999)
        #expect(clock.now() == 101)
        #expect(clock.nowMilliseconds() == 101_999)
        clock.advance(by: 1)
        #expect(clock.nowMilliseconds() == 102_999)
    }
}
