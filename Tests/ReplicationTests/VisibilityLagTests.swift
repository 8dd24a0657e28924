import Replication
import Testing

@Test func visibilityLagCountsEveryRecordOfABatchAtItsOldestWrite() {
    var lag = VisibilityLag()
    lag.record(count: 99, writtenAt: 1_000_000, visibleAt: 1_200_000)  // 200 µs
    lag.record(count: 1, writtenAt: 1_000_000, visibleAt: 6_000_000)  // 5 ms
    #expect(lag.count == 100)
    #expect(lag.microseconds(atPercentile: 50) == 200)
    #expect(lag.microseconds(atPercentile: 99) == 200)
    #expect((4_950...5_050).contains(lag.maxMicroseconds))
    #expect(lag.count(atMost: 1_000) == 99)
    #expect(lag.totalMicroseconds == 99 * 200 + 5_000)
}

@Test func aPeerClockAheadCountsAsNoLagAndLongLagsAsTheLongest() {
    var lag = VisibilityLag()
    lag.record(count: 1, writtenAt: 2_000_000, visibleAt: 1_000_000)
    #expect(lag.maxMicroseconds == 0)
    lag.record(count: 1, writtenAt: 0, visibleAt: UInt64.max)
    #expect(lag.count == 2)
    #expect(lag.totalMicroseconds == VisibilityLag.longest)
    #expect(lag.maxMicroseconds >= VisibilityLag.longest * 99 / 100)
}

@Test func visibilityLagStartsAgainAfterAReset() {
    var lag = VisibilityLag()
    #expect(lag.microseconds(atPercentile: 99) == 0 && lag.maxMicroseconds == 0 && lag.count(atMost: 10) == 0)
    lag.record(count: 3, writtenAt: 0, visibleAt: 50_000)
    lag.reset()
    #expect(lag.count == 0 && lag.totalMicroseconds == 0 && lag.maxMicroseconds == 0)
    lag.record(count: 0, writtenAt: 0, visibleAt: 50_000)
    #expect(lag.count == 0)
}
