import Storage
import Testing

@Test func versionOrdersByTimeThenCounterThenNode() {
    let early = Version(milliseconds: 1_000, counter: 5, nodeID: 9)
    let laterCounter = Version(milliseconds: 1_000, counter: 6, nodeID: 1)
    let laterTime = Version(milliseconds: 1_001, counter: 0, nodeID: 0)
    #expect(early < laterCounter)
    #expect(laterCounter < laterTime)
    #expect(Version(milliseconds: 7, counter: 1, nodeID: 1) < Version(milliseconds: 7, counter: 1, nodeID: 2))
    #expect(laterTime.milliseconds == 1_001)
    #expect(laterCounter.counter == 6)
}
