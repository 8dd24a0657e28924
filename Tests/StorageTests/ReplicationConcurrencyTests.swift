import Dispatch
import Storage
import Testing

@Suite struct ReplicationConcurrencyTests {
    @Test func replayingReportedStatesInAnyOrderRebuildsTheSameContents() {
        let source = CacheHarness(shardCount: 8)
        let threads = 4
        // Each thread's reported states; an array element written from several threads is a race on
        // the array, so the writes take a lock.
        let collected = Locked<[[RecordedState]]>(Array(repeating: [], count: threads))
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let log = StateLog()
            var generator = SplitMix(seed: UInt64(thread) &+ 17)
            for _ in 0..<10_000 {
                let key = "key-\(generator.next() % 150)"
                switch generator.next() % 10 {
                case 0, 1:
                    source.set(
                        key, "v\(generator.next() % 1000)", flags: UInt32(generator.next() % 4), changed: log.record)
                case 2: _ = source.delete(key, changed: log.record)
                case 3: _ = source.incr(key, generator.next() % 50, changed: log.record)
                case 4: source.store(.append, key, "+", changed: log.record)
                case 5: source.store(.add, key, "7", exptime: 300, changed: log.record)
                case 6: _ = source.touch(key, exptime: Int64(generator.next() % 1000) + 10, changed: log.record)
                case 7: _ = source.get(key, touchExptime: 900, changed: log.record)
                case 8:
                    if let unique = source.item(key, { $0.casUnique }) {
                        source.store(.cas, key, "c", cas: unique, changed: log.record)
                    }
                default: _ = source.get(key)
                }
            }
            let states = log.states
            collected.withLock { $0[thread] = states }
        }
        let states = collected.withLock { $0 }.flatMap { $0 }
        #expect(Set(states.map(\.version)).count == states.count)
        var generator = SplitMix(seed: 5)
        let replica = CacheHarness(shardCount: 4)
        for state in states.shuffled(using: &generator) { state.apply(to: replica.cache) }
        let expected = source.walkedStates()
        #expect(!expected.isEmpty)
        #expect(replica.walkedStates() == expected)
        // A second, differently ordered delivery of everything changes nothing.
        for state in states.shuffled(using: &generator) { #expect(!state.apply(to: replica.cache)) }
        #expect(replica.walkedStates() == expected)
        #expect(replica.liveKeys() == source.liveKeys())
    }
}
