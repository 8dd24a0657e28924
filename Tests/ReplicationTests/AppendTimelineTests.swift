import Replication
import Testing

@Test func appendTimelineGivesTheTimeOfTheOldestUnacknowledgedAppend() {
    let start = ContinuousClock.now
    var timeline = AppendTimeline()
    #expect(timeline.oldestUnacknowledged == nil)
    timeline.appended(upTo: 100, now: start)
    timeline.appended(upTo: 200, now: start + .milliseconds(5))
    timeline.appended(upTo: 300, now: start + .milliseconds(9))
    timeline.acknowledged(upTo: 99)
    #expect(timeline.oldestUnacknowledged == start)
    timeline.acknowledged(upTo: 100)
    #expect(timeline.oldestUnacknowledged == start + .milliseconds(5))
    timeline.acknowledged(upTo: 250)
    #expect(timeline.oldestUnacknowledged == start + .milliseconds(9), "a mark is dropped only once all of it is acked")
    timeline.acknowledged(upTo: 300)
    #expect(timeline.oldestUnacknowledged == nil)
}

@Test func appendsWithinOneResolutionShareAMarkThatKeepsTheEarliestTime() {
    let start = ContinuousClock.now
    var timeline = AppendTimeline()
    timeline.appended(upTo: 10, now: start)
    timeline.appended(upTo: 20, now: start + .microseconds(400))
    timeline.appended(upTo: 30, now: start + .microseconds(900))
    timeline.acknowledged(upTo: 20)
    // The mark covers all three appends: it is not dropped until 30 is acked, and it keeps the first one's time.
    #expect(timeline.oldestUnacknowledged == start)
    timeline.acknowledged(upTo: 30)
    #expect(timeline.oldestUnacknowledged == nil)
}

@Test func aLongOutageStopsAddingMarksAndKeepsTheOldestExact() {
    let start = ContinuousClock.now
    var timeline = AppendTimeline()
    let appends = AppendTimeline.markLimit + 500
    for index in 0..<appends {
        timeline.appended(upTo: UInt64(index + 1) * 10, now: start + .milliseconds(index))
    }
    #expect(timeline.oldestUnacknowledged == start)
    // Acked past the last separate mark: what is left is the newest mark, which took every later append.
    timeline.acknowledged(upTo: UInt64(AppendTimeline.markLimit - 1) * 10)
    #expect(timeline.oldestUnacknowledged == start + .milliseconds(AppendTimeline.markLimit - 1))
    timeline.acknowledged(upTo: UInt64(appends) * 10)
    #expect(timeline.oldestUnacknowledged == nil)
}
