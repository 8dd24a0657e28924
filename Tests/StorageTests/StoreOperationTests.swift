import Storage
import Testing

@Suite struct StoreOperationTests {
    @Test func setStoresAndGetReturnsTheValue() {
        let harness = CacheHarness()
        #expect(harness.set("k", "hello", flags: 42).isStored)
        #expect(harness.get("k") == "hello")
        #expect(harness.item("k") { $0.flags } == 42)
    }

    @Test func setOverwritesAnExistingItem() {
        let harness = CacheHarness()
        harness.set("k", "one")
        harness.set("k", "second value")
        #expect(harness.get("k") == "second value")
        #expect(harness.cache.statistics().currItems == 1)
    }

    @Test func getOfAMissingKeyIsNil() {
        let harness = CacheHarness()
        #expect(harness.get("absent") == nil)
    }

    @Test func valueLineHoldsTheGetReplyAfterValue() {
        let harness = CacheHarness()
        harness.set("key", "data", flags: 7)
        let reply = harness.item("key") { String(decoding: $0.valueLine, as: UTF8.self) }
        let header = harness.item("key") { String(decoding: $0.valueLineHeader, as: UTF8.self) }
        let tail = harness.item("key") { String(decoding: $0.valueWithTerminator, as: UTF8.self) }
        #expect(reply == "key 7 4\r\ndata\r\n")
        #expect(header == "key 7 4")
        #expect(tail == "data\r\n")
    }

    @Test func emptyValueIsStored() {
        let harness = CacheHarness()
        #expect(harness.set("k", "").isStored)
        #expect(harness.get("k") == "")
        #expect(harness.item("k") { String(decoding: $0.valueLine, as: UTF8.self) } == "k 0 0\r\n\r\n")
    }

    @Test func addStoresOnlyWhenMissing() {
        let harness = CacheHarness()
        #expect(harness.store(.add, "k", "first").isStored)
        #expect(harness.store(.add, "k", "second") == .notStored)
        #expect(harness.get("k") == "first")
    }

    @Test func failedAddLeavesTheItemUnchanged() {
        let harness = CacheHarness()
        let unique = harness.set("k", "v", flags: 3, exptime: 100).casUnique
        harness.clock.advance(by: 10)
        #expect(harness.store(.add, "k", "other", flags: 9, exptime: 5) == .notStored)
        #expect(harness.item("k") { [$0.flags == 3, $0.casUnique == unique] } == [true, true])
        #expect(harness.item("k") { $0.expiresAt } == CacheHarness.startTime + 100)
        #expect(harness.item("k") { $0.lastAccess } == CacheHarness.startTime + 10)
    }

    @Test func addSucceedsOverAnExpiredItem() {
        let harness = CacheHarness()
        harness.set("k", "old", exptime: 5)
        harness.clock.advance(by: 5)
        #expect(harness.store(.add, "k", "new").isStored)
        #expect(harness.get("k") == "new")
    }

    @Test func replaceStoresOnlyWhenPresent() {
        let harness = CacheHarness()
        #expect(harness.store(.replace, "k", "v") == .notStored)
        #expect(harness.get("k") == nil)
        harness.set("k", "v")
        #expect(harness.store(.replace, "k", "w", flags: 5).isStored)
        #expect(harness.get("k") == "w")
        #expect(harness.item("k") { $0.flags } == 5)
    }

    @Test func appendAndPrependJoinData() {
        let harness = CacheHarness()
        harness.set("k", "middle")
        #expect(harness.store(.append, "k", "-end").isStored)
        #expect(harness.store(.prepend, "k", "start-").isStored)
        #expect(harness.get("k") == "start-middle-end")
        #expect(
            harness.item("k") { String(decoding: $0.valueLine, as: UTF8.self) } == "k 0 16\r\nstart-middle-end\r\n"
        )
    }

    @Test func appendAndPrependKeepFlagsAndExpiry() {
        let harness = CacheHarness()
        harness.set("k", "a", flags: 11, exptime: 50)
        harness.store(.append, "k", "b", flags: 99, exptime: 1000)
        harness.store(.prepend, "k", "c", flags: 98, exptime: 2000)
        #expect(harness.item("k") { $0.flags } == 11)
        #expect(harness.item("k") { $0.expiresAt } == CacheHarness.startTime + 50)
    }

    @Test func appendAndPrependOnMissingKeyAreNotStored() {
        let harness = CacheHarness()
        #expect(harness.store(.append, "k", "x") == .notStored)
        #expect(harness.store(.prepend, "k", "x") == .notStored)
        #expect(harness.get("k") == nil)
    }

    @Test func appendBeyondTheLargestItemIsNotStored() {
        let harness = CacheHarness(itemSizeMax: 1024)
        harness.set("k", String(repeating: "a", count: 900))
        #expect(harness.store(.append, "k", String(repeating: "b", count: 200)) == .notStored)
        #expect(harness.get("k")?.count == 900)
    }

    @Test func casOnMissingKeyIsNotFound() {
        let harness = CacheHarness()
        #expect(harness.store(.cas, "k", "v", cas: 1) == .notFound)
    }

    @Test func casWithStaleUniqueIsExists() {
        let harness = CacheHarness()
        let unique = harness.set("k", "v").casUnique!
        harness.set("k", "changed")
        #expect(harness.store(.cas, "k", "mine", cas: unique) == .exists)
        #expect(harness.get("k") == "changed")
    }

    @Test func casWithZeroUniqueIsExists() {
        let harness = CacheHarness()
        harness.set("k", "v")
        #expect(harness.store(.cas, "k", "mine", cas: 0) == .exists)
    }

    @Test func casWithCurrentUniqueStores() {
        let harness = CacheHarness()
        let unique = harness.set("k", "v").casUnique!
        let result = harness.store(.cas, "k", "mine", cas: unique)
        #expect(result.isStored)
        #expect(result.casUnique! > unique)
        #expect(harness.get("k") == "mine")
    }

    @Test func casUniquesStartAtOneAndGrowWithEverySuccessfulStore() {
        let harness = CacheHarness()
        #expect(harness.set("a", "1").casUnique == 1)
        #expect(harness.store(.add, "a", "x") == .notStored)
        #expect(harness.store(.replace, "missing", "x") == .notStored)
        #expect(harness.set("b", "1").casUnique == 2)
        #expect(harness.store(.append, "b", "2").casUnique == 3)
        #expect(harness.item("b") { $0.casUnique } == 3)
    }

    @Test func touchDoesNotChangeTheCasUnique() {
        let harness = CacheHarness()
        let unique = harness.set("k", "v").casUnique
        #expect(harness.touch("k", exptime: 100))
        #expect(harness.item("k") { $0.casUnique } == unique)
    }

    @Test func deleteRemovesOnlyLiveItems() {
        let harness = CacheHarness()
        harness.set("k", "v")
        #expect(harness.delete("k"))
        #expect(!harness.delete("k"))
        #expect(harness.get("k") == nil)
    }

    @Test func itemOverTheSizeLimitIsTooLarge() {
        // memcached counts 48 header + key + 1 + data + 2 + 8 (CAS): 1-byte key, no flags, 1048516 bytes fit in 1 MiB.
        let harness = CacheHarness()
        #expect(harness.set("k", String(repeating: "x", count: 1_048_516)).isStored)
        #expect(harness.set("k", String(repeating: "x", count: 1_048_517)) == .tooLarge)
        #expect(harness.get("k")?.count == 1_048_516)
    }

    @Test func nonzeroFlagsCountTowardTheSizeLimit() {
        let harness = CacheHarness()
        #expect(harness.set("k", String(repeating: "x", count: 1_048_512), flags: 1).isStored)
        #expect(harness.set("k", String(repeating: "x", count: 1_048_513), flags: 1) == .tooLarge)
    }

    @Test func bytesReturnToZeroAfterDeletingEverything() {
        let harness = CacheHarness()
        for index in 0..<500 { harness.set("key\(index)", String(repeating: "v", count: index)) }
        for index in 0..<500 where index.isMultiple(of: 3) { harness.set("key\(index)", "short") }
        for index in 0..<500 where index.isMultiple(of: 5) { harness.store(.append, "key\(index)", "tail") }
        #expect(harness.cache.statistics().currItems == 500)
        for index in 0..<500 { #expect(harness.delete("key\(index)")) }
        let statistics = harness.cache.statistics()
        #expect(statistics.bytes == 0)
        #expect(statistics.currItems == 0)
    }

    @Test func binaryKeysAndValuesRoundTrip() {
        let harness = CacheHarness()
        let key: [UInt8] = [0, 1, 2, 255, 0x0D, 0x0A]
        let value: [UInt8] = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
        let stored = key.withUnsafeBytes { keyBytes in
            value.withUnsafeBytes {
                harness.cache.store(.set, key: keyBytes, flags: 0, exptime: 0, value: $0)
            }
        }
        #expect(stored.isStored)
        let read = key.withUnsafeBytes { harness.cache.withItem(key: $0) { Array($0.value) } }
        #expect(read == value)
    }

    @Test func keysDifferingOnlyInTheLastByteAreDistinct() {
        let harness = CacheHarness(shardCount: 1)
        for index in 0..<2000 { harness.set("prefix-of-some-length-\(index)", "\(index)") }
        for index in 0..<2000 { #expect(harness.get("prefix-of-some-length-\(index)") == "\(index)") }
    }

    @Test func keysLongerThanMemcachedAllowsAreNotStored() {
        let harness = CacheHarness()
        #expect(harness.set(String(repeating: "k", count: 250), "v").isStored)
        #expect(harness.set(String(repeating: "k", count: 251), "v") == .notStored)
    }
}
