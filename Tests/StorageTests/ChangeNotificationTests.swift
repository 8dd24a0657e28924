import Storage
import Testing

@Suite struct ChangeNotificationTests {
    @Test func setReportsTheStoredItem() {
        let harness = CacheHarness()
        let log = StateLog()
        #expect(harness.set("k", "hello", flags: 42, exptime: 100, changed: log.record).isStored)
        #expect(log.states.count == 1)
        let state = log.states[0]
        #expect(state.key == "k" && state.value == "hello" && state.flags == 42 && !state.isTombstone)
        #expect(state.expiresAt == CacheHarness.startTime + 100)
        #expect(state.version == harness.version(of: "k"))
    }

    @Test func everyMutationTakesAHigherVersion() {
        let harness = CacheHarness()
        let log = StateLog()
        harness.set("n", "1", changed: log.record)
        _ = harness.incr("n", 1, changed: log.record)
        harness.store(.append, "n", "0", changed: log.record)
        _ = harness.touch("n", exptime: 50, changed: log.record)
        _ = harness.delete("n", changed: log.record)
        let versions = log.states.map(\.version)
        #expect(versions.count == 5)
        #expect(versions == versions.sorted() && Set(versions).count == 5)
    }

    @Test func failedStoresReportNothing() {
        let harness = CacheHarness()
        harness.set("present", "v")
        let unique = harness.item("present") { $0.casUnique }!
        let log = StateLog()
        #expect(harness.store(.add, "present", "x", changed: log.record) == .notStored)
        #expect(harness.store(.replace, "absent", "x", changed: log.record) == .notStored)
        #expect(harness.store(.append, "absent", "x", changed: log.record) == .notStored)
        #expect(harness.store(.prepend, "absent", "x", changed: log.record) == .notStored)
        #expect(harness.store(.cas, "absent", "x", cas: 1, changed: log.record) == .notFound)
        #expect(harness.store(.cas, "present", "x", cas: unique + 1, changed: log.record) == .exists)
        let tooLarge = String(repeating: "z", count: 2 << 20)
        #expect(harness.set("present", tooLarge, changed: log.record) == .tooLarge)
        #expect(log.states.isEmpty)
    }

    @Test func successfulConditionalStoresReportOnce() {
        let harness = CacheHarness()
        let log = StateLog()
        harness.store(.add, "a", "1", changed: log.record)
        harness.store(.replace, "a", "2", changed: log.record)
        let unique = harness.item("a") { $0.casUnique }!
        harness.store(.cas, "a", "3", cas: unique, changed: log.record)
        #expect(log.states.map(\.value) == ["1", "2", "3"])
    }

    @Test func appendAndPrependReportTheWholeValue() {
        let harness = CacheHarness()
        harness.set("s", "middle", flags: 5, exptime: 30)
        let log = StateLog()
        harness.store(.append, "s", "-end", changed: log.record)
        harness.store(.prepend, "s", "start-", changed: log.record)
        #expect(log.states.map(\.value) == ["middle-end", "start-middle-end"])
        #expect(log.states.allSatisfy { $0.flags == 5 && $0.expiresAt == CacheHarness.startTime + 30 })
    }

    @Test func arithmeticReportsTheResultingValue() {
        let harness = CacheHarness()
        harness.set("n", "100")
        let log = StateLog()
        #expect(harness.decr("n", 91, changed: log.record) == .value(9))
        #expect(harness.incr("n", 991, changed: log.record) == .value(1000))
        // In place the result keeps the old length, padded with spaces: the replica stores the same bytes.
        #expect(log.states.map(\.value) == ["9  ", "1000"])
        #expect(log.states.last?.version == harness.version(of: "n"))
        harness.set("text", "abc")
        #expect(harness.incr("text", 1, changed: log.record) == .nonNumeric)
        #expect(harness.incr("absent", 1, changed: log.record) == .notFound)
        #expect(log.states.count == 2)
    }

    @Test func touchAndGatReportTheNewExpiry() {
        let harness = CacheHarness()
        harness.set("t", "v", flags: 3)
        let before = harness.version(of: "t")!
        let log = StateLog()
        #expect(harness.touch("t", exptime: 60, changed: log.record))
        #expect(harness.get("t", touchExptime: 120, changed: log.record) == "v")
        #expect(harness.get("t", changed: log.record) == "v")
        #expect(!harness.touch("absent", exptime: 60, changed: log.record))
        #expect(harness.get("absent", touchExptime: 60, changed: log.record) == nil)
        #expect(log.states.map(\.expiresAt) == [CacheHarness.startTime + 60, CacheHarness.startTime + 120])
        #expect(log.states.allSatisfy { $0.value == "v" && $0.flags == 3 })
        #expect(log.states[0].version > before && log.states[1].version > log.states[0].version)
    }

    @Test func deleteReportsATombstoneAndMissesReportNothing() {
        let harness = CacheHarness()
        harness.set("d", "v")
        let log = StateLog()
        #expect(harness.delete("d", changed: log.record))
        #expect(!harness.delete("d", changed: log.record))
        #expect(!harness.delete("never", changed: log.record))
        #expect(log.states.count == 1)
        #expect(log.states[0].isTombstone && log.states[0].key == "d" && log.states[0].value.isEmpty)
    }

    @Test func storesRefusedForMemoryReportNothing() {
        let harness = CacheHarness(memoryLimit: 4096, evictionEnabled: false, shardCount: 1)
        let log = StateLog()
        var refused = 0
        for index in 0..<100 where harness.set("k\(index)", "value", changed: log.record) == .outOfMemory {
            refused += 1
        }
        #expect(refused > 0)
        #expect(log.states.count == 100 - refused)
    }
}
