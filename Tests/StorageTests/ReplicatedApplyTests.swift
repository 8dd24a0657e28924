import Storage
import Testing

@Suite struct ReplicatedApplyTests {
    typealias State = RecordedState

    static func version(_ milliseconds: UInt64, counter: UInt16 = 0, node: UInt32 = 1) -> Version {
        CacheHarness.version(milliseconds, counter: counter, node: node)
    }

    @Test func higherVersionWins() {
        let harness = CacheHarness()
        #expect(State(key: "k", value: "first", version: Self.version(100)).apply(to: harness.cache))
        #expect(State(key: "k", value: "second", flags: 9, version: Self.version(200)).apply(to: harness.cache))
        #expect(harness.get("k") == "second")
        #expect(harness.item("k") { $0.flags } == 9)
        #expect(harness.version(of: "k") == Self.version(200))
    }

    @Test func lowerOrEqualVersionIsIgnored() {
        let harness = CacheHarness()
        #expect(State(key: "k", value: "kept", version: Self.version(200)).apply(to: harness.cache))
        #expect(!State(key: "k", value: "older", version: Self.version(100)).apply(to: harness.cache))
        #expect(!State(key: "k", value: "same", version: Self.version(200)).apply(to: harness.cache))
        #expect(State(key: "k", value: "tie", version: Self.version(200, node: 2)).apply(to: harness.cache))
        #expect(harness.get("k") == "tie")
        #expect(harness.cache.statistics().currItems == 1)
    }

    @Test func tombstoneBeatsAnOlderItem() {
        let harness = CacheHarness()
        State(key: "k", value: "v", version: Self.version(100)).apply(to: harness.cache)
        #expect(State(tombstone: "k", version: Self.version(200)).apply(to: harness.cache))
        #expect(harness.get("k") == nil)
        #expect(!State(key: "k", value: "late", version: Self.version(150)).apply(to: harness.cache))
        #expect(harness.get("k") == nil)
        let statistics = harness.cache.statistics()
        #expect(statistics.currItems == 0 && statistics.bytes == 0 && statistics.tombstones == 1)
    }

    @Test func newerItemBeatsATombstone() {
        let harness = CacheHarness()
        #expect(State(tombstone: "k", version: Self.version(100)).apply(to: harness.cache))
        #expect(!State(tombstone: "k", version: Self.version(50)).apply(to: harness.cache))
        #expect(State(key: "k", value: "back", version: Self.version(150)).apply(to: harness.cache))
        #expect(harness.get("k") == "back")
        #expect(harness.cache.statistics().tombstones == 0)
        #expect(harness.cache.statistics().tombstoneBytes == 0)
    }

    @Test func localDeleteKeepsOlderReplicatedWritesOut() {
        let harness = CacheHarness()
        let early = harness.cache.versions.next()
        harness.set("k", "v")
        #expect(harness.delete("k"))
        #expect(!State(key: "k", value: "stale", version: early).apply(to: harness.cache))
        #expect(harness.get("k") == nil)
    }

    @Test func appliedItemsGetAFreshCasAreUnfetchedAndMostRecentlyUsed() {
        let harness = CacheHarness()
        let unique = harness.set("local", "v").casUnique!
        State(key: "applied", value: "w", expiresAt: CacheHarness.startTime + 60, version: Self.version(10))
            .apply(to: harness.cache)
        var order: [String] = []
        var fetched: [Bool] = []
        harness.cache.forEachItem {
            order.append(String(decoding: $0.key, as: UTF8.self))
            fetched.append($0.fetched)
        }
        #expect(order == ["applied", "local"])
        #expect(fetched == [false, false])
        #expect(harness.item("applied") { $0.casUnique }! > unique)
        #expect(harness.item("applied") { $0.expiresAt } == CacheHarness.startTime + 60)
    }

    @Test func applyingMovesTheLocalClockPastTheVersion() {
        let harness = CacheHarness()
        let remote = Self.version(60_000, counter: 3, node: 2)
        State(tombstone: "elsewhere", version: remote).apply(to: harness.cache)
        harness.set("local", "v")
        #expect(harness.version(of: "local")! > remote)
    }

    @Test func anItemExpiredOnArrivalIsInvisibleButKeepsItsVersion() {
        let harness = CacheHarness()
        harness.set("k", "live")
        let expired = State(key: "k", value: "gone", expiresAt: CacheHarness.startTime - 1, version: Self.version(500))
        #expect(expired.apply(to: harness.cache))
        #expect(harness.get("k") == nil)
        let alsoExpired = State(key: "j", value: "gone", expiresAt: CacheHarness.startTime, version: Self.version(500))
        #expect(alsoExpired.apply(to: harness.cache))
        #expect(!State(key: "j", value: "older", version: Self.version(400)).apply(to: harness.cache))
        #expect(harness.get("j") == nil)
    }

    @Test func tooLargeOrOversizedKeysAreRefusedAndCounted() {
        let harness = CacheHarness(itemSizeMax: 1024)
        let big = State(key: "big", value: String(repeating: "x", count: 2000), version: Self.version(1))
        #expect(!big.apply(to: harness.cache))
        let longKey = String(repeating: "k", count: 251)
        #expect(!State(key: longKey, value: "v", version: Self.version(1)).apply(to: harness.cache))
        #expect(!State(tombstone: longKey, version: Self.version(1)).apply(to: harness.cache))
        #expect(harness.cache.statistics().applyRefused == 3)
        #expect(harness.cache.statistics().currItems == 0)
    }

    @Test func outOfMemoryIsRefusedAndCounted() {
        let harness = CacheHarness(memoryLimit: 2048, evictionEnabled: false, shardCount: 1)
        var applied = 0
        for index in 0..<100 {
            let state = State(key: "k\(index)", value: "value", version: Self.version(UInt64(index)))
            if state.apply(to: harness.cache) { applied += 1 }
        }
        #expect(applied > 0 && applied < 100)
        #expect(harness.cache.statistics().applyRefused == 100 - applied)
        #expect(harness.cache.statistics().bytes <= 2048)
    }

    @Test func duplicateDeliveryIsIdempotent() {
        let once = CacheHarness()
        let twice = CacheHarness()
        let states = Self.randomStates(seed: 11, keys: 6, count: 60)
        for state in states { state.apply(to: once.cache) }
        for state in states + states { state.apply(to: twice.cache) }
        for state in states.reversed() { #expect(!state.apply(to: twice.cache)) }
        #expect(once.walkedStates() == twice.walkedStates())
        #expect(once.cache.statistics().currItems == twice.cache.statistics().currItems)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func applyOrderDoesNotMatter(seed: UInt64) {
        let states = Self.randomStates(seed: seed, keys: 5, count: 80)
        var generator = SplitMix(seed: seed &* 31)
        let first = CacheHarness(shardCount: 4)
        let second = CacheHarness(shardCount: 2)
        for state in states.shuffled(using: &generator) { state.apply(to: first.cache) }
        for state in states.shuffled(using: &generator) { state.apply(to: second.cache) }
        let walked = first.walkedStates()
        #expect(walked == second.walkedStates())
        // Each key ends at its highest version.
        let expected = Dictionary(grouping: states, by: \.key).mapValues { $0.max { $0.version < $1.version }! }
        #expect(walked == expected)
    }

    /// Items and tombstones for a few keys, each with a distinct version.
    static func randomStates(seed: UInt64, keys: Int, count: Int) -> [RecordedState] {
        var generator = SplitMix(seed: seed)
        return (0..<count).map { index in
            let key = "key-\(generator.next() % UInt64(keys))"
            let version = version(generator.next() % 1000, counter: UInt16(index), node: UInt32(generator.next() % 2))
            if generator.next() % 4 == 0 { return RecordedState(tombstone: key, version: version) }
            return RecordedState(
                key: key, value: "value-\(index)", flags: UInt32(generator.next() % 3),
                expiresAt: generator.next() % 2 == 0 ? 0 : CacheHarness.startTime + 600, version: version)
        }
    }
}
