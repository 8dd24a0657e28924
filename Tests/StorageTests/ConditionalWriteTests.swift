import Storage
import Testing

/// The CAS-conditioned delete, incr/decr with CAS, initial value and expiry, and append/prepend with a CAS that
/// the binary and meta protocols need.
@Suite struct ConditionalWriteTests {
    private func delete(_ harness: CacheHarness, _ key: String, cas: UInt64, log: StateLog? = nil) -> DeleteResult {
        Array(key.utf8).withUnsafeBytes { keyBytes in
            harness.cache.delete(key: keyBytes, casUnique: cas) { log?.record($0) }
        }
    }

    private func count(
        _ harness: CacheHarness, _ key: String, _ delta: UInt64, increment: Bool = true,
        _ options: ArithmeticOptions, log: StateLog? = nil
    ) -> CounterResult {
        Array(key.utf8).withUnsafeBytes { keyBytes in
            harness.cache.arithmetic(key: keyBytes, delta: delta, increment: increment, options: options) {
                log?.record($0)
            }
        }
    }

    @Test func deleteWithMatchingCasDeletesAndReplicates() {
        let harness = CacheHarness()
        let unique = harness.set("k", "v").casUnique!
        let log = StateLog()
        #expect(delete(harness, "k", cas: unique, log: log) == .deleted)
        #expect(harness.get("k") == nil)
        #expect(log.states.count == 1 && log.states[0].isTombstone && log.states[0].key == "k")
    }

    @Test func deleteWithStaleCasIsExistsAndKeepsTheItem() {
        let harness = CacheHarness()
        let unique = harness.set("k", "v").casUnique!
        let log = StateLog()
        #expect(delete(harness, "k", cas: unique + 1, log: log) == .exists)
        #expect(harness.get("k") == "v")
        #expect(log.states.isEmpty)
    }

    @Test func deleteWithoutCasIsUnconditional() {
        let harness = CacheHarness()
        harness.set("k", "v")
        #expect(delete(harness, "k", cas: 0) == .deleted)
        #expect(delete(harness, "k", cas: 0) == .notFound)
        #expect(delete(harness, "missing", cas: 5) == .notFound)
    }

    @Test func incrementReturnsTheNewCasUnique() {
        let harness = CacheHarness()
        let unique = harness.set("n", "41", exptime: 100).casUnique!
        let log = StateLog()
        let result = count(harness, "n", 1, ArithmeticOptions(casUnique: unique), log: log)
        let newUnique = harness.item("n") { $0.casUnique }!
        #expect(newUnique != unique)
        #expect(result == .value(42, casUnique: newUnique, expiresAt: CacheHarness.startTime + 100, created: false))
        #expect(log.states.map(\.value) == ["42"])
    }

    @Test func incrementWithStaleCasIsExistsAndChangesNothing() {
        let harness = CacheHarness()
        let unique = harness.set("n", "41").casUnique!
        let log = StateLog()
        #expect(count(harness, "n", 1, ArithmeticOptions(casUnique: unique + 7), log: log) == .exists)
        #expect(harness.get("n") == "41")
        #expect(harness.item("n") { $0.casUnique } == unique)
        #expect(log.states.isEmpty)
    }

    /// memcached refuses an empty value as non-numeric before it compares the CAS.
    @Test func emptyValueIsNonNumericBeforeTheCasCheck() {
        let harness = CacheHarness()
        let unique = harness.set("n", "").casUnique!
        #expect(count(harness, "n", 1, ArithmeticOptions(casUnique: unique + 1)) == .nonNumeric)
        harness.set("t", "text")
        #expect(count(harness, "t", 1, ArithmeticOptions(casUnique: 1)) == .exists)
    }

    @Test func missingKeyWithInitialValueIsCreatedWithFlagsZeroAndTheExpiry() {
        let harness = CacheHarness()
        let log = StateLog()
        let result = count(
            harness, "n", 5, increment: false, ArithmeticOptions(initialValue: 1000, initialExptime: 60), log: log)
        let unique = harness.item("n") { $0.casUnique }!
        #expect(result == .value(1000, casUnique: unique, expiresAt: CacheHarness.startTime + 60, created: true))
        #expect(harness.get("n") == "1000")
        #expect(harness.item("n") { $0.flags } == 0)
        #expect(log.states.count == 1 && log.states[0].value == "1000")
        #expect(log.states[0].expiresAt == CacheHarness.startTime + 60)
        // The next one applies the delta to the created counter.
        #expect(count(harness, "n", 5, increment: false, ArithmeticOptions(initialValue: 1000)) != .notFound)
        #expect(harness.get("n") == "995 ")
    }

    @Test func missingKeyWithoutInitialValueStaysMissing() {
        let harness = CacheHarness()
        #expect(count(harness, "n", 1, ArithmeticOptions(casUnique: 3)) == .notFound)
        #expect(harness.get("n") == nil)
    }

    @Test func initialValueReplacesATombstoneAndKeepsTheAccountingExact() {
        let harness = CacheHarness()
        harness.set("n", "x")
        #expect(harness.delete("n"))
        #expect(count(harness, "n", 1, ArithmeticOptions(initialValue: 7)) != .notFound)
        #expect(harness.get("n") == "7")
        var seenBytes = 0
        harness.cache.forEachItem { seenBytes += $0.totalSize }
        #expect(harness.cache.statistics().bytes == seenBytes)
        #expect(harness.cache.statistics().tombstones == 0)
    }

    @Test func touchExptimeSetsANewExpiryInPlaceAndWhenGrowing() {
        let harness = CacheHarness()
        harness.set("small", "10", exptime: 100)
        harness.set("grow", "99", exptime: 100)
        let options = ArithmeticOptions(touchExptime: 500)
        #expect(count(harness, "small", 1, options) != .notFound)
        #expect(count(harness, "grow", 1, options) != .notFound)
        #expect(harness.item("small") { $0.expiresAt } == CacheHarness.startTime + 500)
        #expect(harness.item("grow") { $0.expiresAt } == CacheHarness.startTime + 500)
        #expect(harness.get("grow") == "100")
    }

    @Test func appendWithCasComparesTheUnique() {
        let harness = CacheHarness()
        let unique = harness.set("s", "a").casUnique!
        let log = StateLog()
        #expect(harness.store(.append, "s", "b", cas: unique + 1, changed: log.record) == .exists)
        #expect(harness.store(.prepend, "s", "b", cas: unique + 1, changed: log.record) == .exists)
        #expect(harness.get("s") == "a")
        #expect(log.states.isEmpty)
        #expect(harness.store(.append, "s", "b", cas: unique, changed: log.record).isStored)
        #expect(harness.store(.append, "missing", "b", cas: unique, changed: log.record) == .notStored)
        #expect(log.states.map(\.value) == ["ab"])
    }
}
