import Testing

@testable import Storage

@Suite struct MetaOperationTests {
    @Test func metaBitsKeepTheHeaderAtOneCacheLine() {
        #expect(MemoryLayout<ItemHeader>.stride == ItemHeader.expectedStride)
    }

    /// The meta bits share a 16-bit field with the reply header's length, which is largest for a 250-byte key with
    /// ten-digit flags and length: setting and clearing every bit leaves the stored reply readable.
    @Test func metaBitsLeaveTheLongestReplyHeaderIntact() {
        let key = [UInt8](repeating: UInt8(ascii: "k"), count: 250)
        let arena = ItemArena(reservedBytes: 0)
        let item = key.withUnsafeBytes {
            ItemBlock.allocate(key: $0, flags: UInt32.max, valueLength: 1_000_000_000, in: arena)
        }
        defer { item.deallocateItem(from: arena) }
        let header = String(repeating: "k", count: 250) + " 4294967295 1000000000"
        for bit in [ItemHeader.staleBit, ItemHeader.tokenSentBit, ItemHeader.binaryKeyBit] {
            item.setMetaBit(bit, true)
        }
        #expect(item.hasMetaBit(ItemHeader.staleBit) && item.hasMetaBit(ItemHeader.binaryKeyBit))
        #expect(Int(item.pointee.replyHeaderLength) == header.utf8.count)
        let stored = UnsafeRawBufferPointer(start: item.reply, count: header.utf8.count)
        #expect(String(decoding: stored, as: UTF8.self) == header)
        item.setMetaBit(ItemHeader.tokenSentBit, false)
        #expect(!item.hasMetaBit(ItemHeader.tokenSentBit) && item.hasMetaBit(ItemHeader.staleBit))
        #expect(Int(item.pointee.replyHeaderLength) == header.utf8.count)
    }

    @Test func vivifyCreatesOnceAndReplicatesTheEmptyItem() {
        let harness = CacheHarness()
        let log = StateLog()
        let first = harness.metaGet("k", vivify: true, visit: { $0.markTokenSent() }, changed: log.record)
        #expect(first?.created == true && first?.value == "" && first?.tokenSent == false)
        #expect(log.states.count == 1 && log.states[0].key == "k" && log.states[0].value == "")
        let second = harness.metaGet("k", vivify: true, changed: log.record)
        #expect(second?.created == false && second?.tokenSent == true)
        #expect(log.states.count == 1)
        #expect(harness.metaGet("absent") == nil)
    }

    @Test func expiryChangedByGetIsReplicated() {
        let harness = CacheHarness()
        harness.set("k", "v")
        let log = StateLog()
        _ = harness.metaGet("k", changed: log.record)
        #expect(log.states.isEmpty)
        let seen = harness.metaGet("k", visit: { $0.setExpiry(exptime: 50) }, changed: log.record)
        #expect(seen?.remainingSeconds == -1)
        #expect(log.states.count == 1 && log.states[0].expiresAt == CacheHarness.startTime + 50)
        #expect(harness.metaGet("k")?.remainingSeconds == 50)
    }

    @Test func getSeesAccessStateBeforeItsOwnBump() {
        let harness = CacheHarness()
        harness.set("k", "v")
        #expect(harness.metaGet("k", bump: false)?.fetchedBefore == false)
        #expect(harness.metaGet("k")?.fetchedBefore == false)
        #expect(harness.metaGet("k")?.fetchedBefore == true)
    }

    @Test func invalidateMarksStaleWithNewCasAndReplicates() {
        let harness = CacheHarness()
        harness.set("k", "v", exptime: 100)
        let before = harness.metaGet("k", visit: { $0.markTokenSent() })!.casUnique
        let log = StateLog()
        #expect(harness.metaDelete("k", compareCas: before + 1, invalidate: true, changed: log.record) == .exists)
        #expect(log.states.isEmpty)
        #expect(harness.metaDelete("k", invalidate: true, exptime: 30, changed: log.record) == .deleted)
        #expect(log.states.count == 1 && log.states[0].expiresAt == CacheHarness.startTime + 30)
        let after = harness.metaGet("k")!
        #expect(after.isStale && !after.tokenSent && after.casUnique != before && after.value == "v")
    }

    @Test func deleteWithMatchingCasLeavesATombstone() {
        let harness = CacheHarness()
        harness.set("k", "v")
        let unique = harness.metaGet("k")!.casUnique
        let log = StateLog()
        #expect(harness.metaDelete("k", compareCas: 0, changed: log.record) == .exists)
        #expect(harness.metaDelete("k", compareCas: unique, changed: log.record) == .deleted)
        #expect(log.states.count == 1 && log.states[0].isTombstone)
        #expect(harness.metaDelete("k") == .notFound)
    }

    @Test func staleSetKeepsExpiryAndWinMarker() {
        let harness = CacheHarness()
        harness.set("k", "old", exptime: 100)
        let old = harness.metaGet("k")!.casUnique
        _ = harness.metaDelete("k", invalidate: true)
        let current = harness.metaGet("k", visit: { $0.markTokenSent() })!.casUnique
        #expect(harness.metaStore(.cas, "k", "new", compareCas: current + 1, allowStale: true) == .exists)
        #expect(harness.metaStore(.cas, "k", "new", compareCas: old) == .exists)
        let log = StateLog()
        guard case .stored = harness.metaStore(.cas, "k", "new", compareCas: old, allowStale: true, changed: log.record)
        else {
            Issue.record("stale set refused")
            return
        }
        #expect(log.states.count == 1 && log.states[0].value == "new")
        let item = harness.metaGet("k")!
        #expect(item.isStale && item.tokenSent && item.remainingSeconds == 100)
    }

    @Test func compareCasRulesPerMode() {
        let harness = CacheHarness()
        harness.set("k", "a")
        let unique = harness.metaGet("k")!.casUnique
        #expect(harness.metaStore(.append, "k", "b", compareCas: unique + 1) == .exists)
        #expect(harness.metaStore(.append, "k", "b", compareCas: unique).isStored)
        #expect(harness.metaStore(.cas, "k", "x", compareCas: 0) == .exists)
        #expect(harness.metaStore(.cas, "absent", "x", compareCas: 5) == .notFound)
        #expect(harness.metaStore(.add, "new", "x", compareCas: 5).isStored)
        #expect(harness.get("k") == "ab")
    }

    @Test func arithmeticComparesCasAndCreatesOnMiss() {
        let harness = CacheHarness()
        let log = StateLog()
        let (created, initial) = harness.metaArithmetic(
            "n", vivify: true, initial: 10, visit: { $0.setExpiry(exptime: 20) }, changed: log.record)
        #expect(created == .applied(created: true) && initial == 10)
        #expect(log.states.count == 1 && log.states[0].value == "10")
        #expect(log.states[0].expiresAt == CacheHarness.startTime + 20)
        let unique = harness.metaGet("n")!.casUnique
        #expect(harness.metaArithmetic("n", compareCas: unique + 1).0 == .exists)
        let (applied, value) = harness.metaArithmetic("n", delta: 5, compareCas: unique, changed: log.record)
        #expect(applied == .applied(created: false) && value == 15 && log.states.count == 2)
        #expect(harness.metaArithmetic("absent").0 == .notFound)
        harness.set("text", "x")
        #expect(harness.metaArithmetic("text").0 == .nonNumeric)
    }

    /// memcached applies `ma`'s `T` to the item it started from, so a result that needed a new item keeps the
    /// old expiry.
    @Test func arithmeticTouchIsLostWhenTheNumberGrows() {
        let harness = CacheHarness()
        harness.set("n", "9", exptime: 100)
        var seen: Int64 = 0
        _ = harness.metaArithmetic(
            "n",
            visit: {
                $0.setExpiry(exptime: 500)
                seen = $0.remainingSeconds
            })
        #expect(seen == 500)
        #expect(harness.metaGet("n")?.remainingSeconds == 100 && harness.get("n") == "10")
        harness.set("m", "5", exptime: 100)
        _ = harness.metaArithmetic("m", visit: { $0.setExpiry(exptime: 500) })
        #expect(harness.metaGet("m")?.remainingSeconds == 500)
    }
}
