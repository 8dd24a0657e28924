import Storage
import Testing

@Suite struct ArithmeticTests {
    @Test func incrementAddsTheDelta() {
        let harness = CacheHarness()
        harness.set("n", "41")
        #expect(harness.incr("n", 1) == .value(42))
        #expect(harness.get("n") == "42")
    }

    @Test func incrementWrapsAtTwoToTheSixtyFour() {
        let harness = CacheHarness()
        harness.set("n", "18446744073709551615")
        #expect(harness.incr("n", 2) == .value(1))
        #expect(harness.get("n") == "1                   ")
    }

    @Test func decrementStopsAtZero() {
        let harness = CacheHarness()
        harness.set("n", "5")
        #expect(harness.decr("n", 10) == .value(0))
        #expect(harness.get("n") == "0")
    }

    @Test func shorterResultIsPaddedWithSpacesLikeMemcached() {
        let harness = CacheHarness()
        harness.set("n", "100")
        #expect(harness.decr("n", 1) == .value(99))
        #expect(harness.item("n") { String(decoding: $0.valueLine, as: UTF8.self) } == "n 0 3\r\n99 \r\n")
        #expect(harness.incr("n", 0) == .value(99))
    }

    @Test func longerResultGrowsTheItem() {
        let harness = CacheHarness()
        harness.set("n", "99", flags: 5, exptime: 100)
        #expect(harness.incr("n", 1) == .value(100))
        #expect(harness.item("n") { String(decoding: $0.valueLine, as: UTF8.self) } == "n 5 3\r\n100\r\n")
        #expect(harness.item("n") { $0.expiresAt } == CacheHarness.startTime + 100)
        var seenBytes = 0
        harness.cache.forEachItem { seenBytes += $0.totalSize }
        #expect(harness.cache.statistics().bytes == seenBytes)
    }

    @Test func arithmeticKeepsFlagsAndExpiryAndAssignsANewCasUnique() {
        let harness = CacheHarness()
        let unique = harness.set("n", "10", flags: 9, exptime: 60).casUnique!
        #expect(harness.incr("n", 5) == .value(15))
        #expect(harness.item("n") { $0.flags } == 9)
        #expect(harness.item("n") { $0.expiresAt } == CacheHarness.startTime + 60)
        #expect(harness.item("n") { $0.casUnique } == unique + 1)
    }

    @Test func arithmeticOnMissingKeyIsNotFound() {
        let harness = CacheHarness()
        #expect(harness.incr("n", 1) == .notFound)
        #expect(harness.decr("n", 1) == .notFound)
    }

    @Test(arguments: ["", "abc", "-1", "18446744073709551616", "5a", "0x10", "1.5"])
    func nonNumericValuesAreRejected(value: String) {
        let harness = CacheHarness()
        harness.set("n", value)
        #expect(harness.incr("n", 1) == .nonNumeric)
        #expect(harness.get("n") == value)
    }

    /// memcached 1.6 parses with strtoull: leading whitespace and a sign are skipped, and whitespace may follow.
    @Test(arguments: [(" 5", "6 "), ("5 ", "6 "), ("+5", "6 "), ("\t7", "8 "), ("-0", "1 "), ("5 x", "6  ")])
    func valuesMemcachedAcceptsAreIncremented(value: String, expected: String) {
        let harness = CacheHarness()
        harness.set("n", value)
        #expect(harness.incr("n", 1) != .nonNumeric)
        #expect(harness.get("n") == expected)
    }

    @Test func largestValueParses() {
        let harness = CacheHarness()
        harness.set("n", "18446744073709551615")
        #expect(harness.decr("n", 0) == .value(UInt64.max))
    }

    @Test func expiredCounterIsNotFound() {
        let harness = CacheHarness()
        harness.set("n", "1", exptime: 2)
        harness.clock.advance(by: 2)
        #expect(harness.incr("n", 1) == .notFound)
    }
}
