import Protocol
import Testing

// Requests that parse, one per command, with the offsets they must report.

@Test func getSingleKey() {
    let input = wire("get foo\r\n")
    expectParse(input, command(.retrieve(RetrieveRequest(keys: span("foo", in: input), withCAS: false)), 9))
}

@Test func getsKeyListSpansAllKeys() {
    let input = wire("gets a bb ccc\r\n")
    expectParse(input, command(.retrieve(RetrieveRequest(keys: span("a bb ccc", in: input), withCAS: true)), 15))
}

@Test func bgetIsServedAsGet() {
    let input = wire("bget k\r\n")
    expectParse(input, command(.retrieve(RetrieveRequest(keys: span("k", in: input), withCAS: false)), 8))
}

@Test func gatCarriesExptimeAndKeys() {
    let input = wire("gat 300 a b\r\n")
    let request = RetrieveRequest(keys: span("a b", in: input), withCAS: false, touchExptime: 300)
    expectParse(input, command(.retrieve(request), input.count))
}

@Test func gatsWithNegativeExptime() {
    let input = wire("gats -1 k\r\n")
    let request = RetrieveRequest(keys: span("k", in: input), withCAS: true, touchExptime: -1)
    expectParse(input, command(.retrieve(request), input.count))
}

/// memcached answers a bare `gat <exptime>` with `END`, not `ERROR`.
@Test func gatWithoutKeysIsAnEmptyRetrieve() {
    let request = RetrieveRequest(keys: 6..<6, withCAS: false, touchExptime: 10)
    expectParse("gat 10\r\n", command(.retrieve(request), 8))
}

@Test func gatWithBadExptimeIsRefused() {
    expectParse("gat abc k\r\n", reject(.invalidExptime, 11))
}

@Test func setWithDataBlock() {
    let input = wire("set k 5 100 3\r\nabc\r\n")
    let request = StoreRequest(mode: .set, key: 4..<5, flags: 5, exptime: 100, value: 15..<18)
    expectParse(input, command(.store(request), 20))
}

@Test func everyStorageModeParses() {
    for (name, mode) in [("add", StoreMode.add), ("replace", .replace), ("append", .append), ("prepend", .prepend)] {
        let input = wire("\(name) key 0 0 2\r\nhi\r\n")
        let request = StoreRequest(
            mode: mode, key: span("key", in: input), flags: 0, exptime: 0, value: span("hi", in: input))
        expectParse(input, command(.store(request), input.count))
    }
}

@Test func casCarriesUnique() {
    let input = wire("cas k 0 0 1 18446744073709551615\r\nx\r\n")
    let request = StoreRequest(
        mode: .cas, key: 4..<5, flags: 0, exptime: 0, value: span("x", in: input), casUnique: .max)
    expectParse(input, command(.store(request), input.count))
}

@Test func storageNoreply() {
    let input = wire("set k 0 0 1 noreply\r\nx\r\n")
    let request = StoreRequest(mode: .set, key: 4..<5, flags: 0, exptime: 0, value: span("x", in: input), noreply: true)
    expectParse(input, command(.store(request), input.count))
}

/// A sixth token that is not `noreply` is accepted and ignored (`STORED`).
@Test func storageIgnoresUnknownOptionalToken() {
    let input = wire("set k 0 0 1 foo\r\nx\r\n")
    let request = StoreRequest(mode: .set, key: 4..<5, flags: 0, exptime: 0, value: span("x", in: input))
    expectParse(input, command(.store(request), input.count))
}

@Test func emptyValue() {
    let request = StoreRequest(mode: .set, key: 4..<5, flags: 0, exptime: 0, value: 13..<13)
    expectParse("set k 0 0 0\r\n\r\n", command(.store(request), 15))
}

@Test func deleteKey() {
    expectParse("delete k\r\n", command(.delete(key: 7..<8, noreply: false), 10))
    expectParse("delete k noreply\r\n", command(.delete(key: 7..<8, noreply: true), 18))
}

/// `delete <key> 0` is the legacy hold time; memcached takes `0` and nothing else.
@Test func deleteAcceptsLegacyZeroHold() {
    expectParse("delete k 0\r\n", command(.delete(key: 7..<8, noreply: false), 12))
    expectParse("delete k 0 noreply\r\n", command(.delete(key: 7..<8, noreply: true), 20))
}

@Test func deleteRejectsOtherExtraTokensWithUsage() {
    expectParse("delete k 1\r\n", reject(.deleteUsage, 12))
    expectParse("delete k foo\r\n", reject(.deleteUsage, 14))
    expectParse("delete k noreply 0\r\n", reject(.deleteUsage, 20))
    expectParse("delete k 0 0\r\n", reject(.deleteUsage, 14))
    #expect(
        ClientError.deleteUsage.replyText.description
            == "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]")
}

/// `delete k 1 noreply` is refused, silently, because `noreply` was already seen.
@Test func deleteUsageErrorIsSilentUnderNoreply() {
    expectParse("delete k 1 noreply\r\n", reject(nil, 20))
}

@Test func incrAndDecr() {
    let incr = ArithmeticRequest(key: 5..<6, delta: 42, increment: true)
    expectParse("incr n 42\r\n", command(.arithmetic(incr), 11))
    let decr = ArithmeticRequest(key: 5..<6, delta: 1, increment: false, noreply: true)
    expectParse("decr n 1 noreply\r\n", command(.arithmetic(decr), 18))
}

@Test func arithmeticRejectsNonNumericDelta() {
    expectParse("incr n abc\r\n", reject(.invalidDelta, 12))
    expectParse("incr n abc noreply\r\n", reject(nil, 20))
    expectParse("incr n 18446744073709551616\r\n", reject(.invalidDelta, 29))
    #expect(ClientError.invalidDelta.replyText.description == "CLIENT_ERROR invalid numeric delta argument")
}

/// strtoull semantics: `-1` is refused, but `-0` and a minus that wraps to a small value are taken.
@Test func arithmeticDeltaFollowsStrtoull() {
    expectParse("incr n -1\r\n", reject(.invalidDelta, 11))
    expectParse("incr n -0\r\n", command(.arithmetic(ArithmeticRequest(key: 5..<6, delta: 0, increment: true)), 11))
    let wrapped = ArithmeticRequest(key: 5..<6, delta: 1, increment: true)
    expectParse("incr n -18446744073709551615\r\n", command(.arithmetic(wrapped), 30))
}

@Test func touchKey() {
    expectParse("touch k 60\r\n", command(.touch(key: 6..<7, exptime: 60, noreply: false), 12))
    expectParse("touch k 60 noreply\r\n", command(.touch(key: 6..<7, exptime: 60, noreply: true), 20))
}

@Test func touchRejectsBadExptime() {
    expectParse("touch k abc\r\n", reject(.invalidExptime, 13))
    expectParse("touch k abc noreply\r\n", reject(nil, 21))
    #expect(ClientError.invalidExptime.replyText.description == "CLIENT_ERROR invalid exptime argument")
}

@Test func flushAllForms() {
    expectParse("flush_all\r\n", command(.flushAll(delay: 0, noreply: false), 11))
    expectParse("flush_all 30\r\n", command(.flushAll(delay: 30, noreply: false), 14))
    expectParse("flush_all noreply\r\n", command(.flushAll(delay: 0, noreply: true), 19))
    expectParse("flush_all 30 noreply\r\n", command(.flushAll(delay: 30, noreply: true), 22))
}

/// With three tokens and no `noreply` last, memcached reads the delay and ignores the third token.
@Test func flushAllIgnoresUnknownThirdToken() {
    expectParse("flush_all 10 foo\r\n", command(.flushAll(delay: 10, noreply: false), 18))
}

/// memcached counts a flush whose delay is not a number before refusing it (and under `-F`
/// refuses it as not allowed without reading the delay), so the parser leaves the refusal to the
/// server: the delay comes back nil.
@Test func flushAllWithBadDelayIsLeftForTheServerToRefuse() {
    expectParse("flush_all abc\r\n", command(.flushAll(delay: nil, noreply: false), 15))
    expectParse("flush_all noreply 10\r\n", command(.flushAll(delay: nil, noreply: false), 22))
    expectParse("flush_all abc noreply\r\n", command(.flushAll(delay: nil, noreply: true), 23))
    expectParse("flush_all 1 2 3\r\n", reject(.unknownCommand, 17))
}

/// `version` and `quit` ignore whatever follows them.
@Test func versionAndQuitIgnoreExtraTokens() {
    expectParse("version\r\n", command(.version, 9))
    expectParse("version foo bar\r\n", command(.version, 17))
    expectParse("quit\r\n", command(.quit, 6))
    expectParse("quit now\r\n", command(.quit, 10))
}

@Test func verbosityLevels() {
    expectParse("verbosity 1\r\n", command(.verbosity(level: 1, noreply: false), 13))
    expectParse("verbosity 2 noreply\r\n", command(.verbosity(level: 2, noreply: true), 21))
    expectParse("verbosity 1 2\r\n", command(.verbosity(level: 1, noreply: false), 15))
    expectParse("verbosity\r\n", reject(.unknownCommand, 11))
    expectParse("verbosity -1\r\n", reject(.badCommandLineFormat, 14))
}

/// `verbosity noreply` takes `noreply` as the level: refused, silently.
@Test func verbosityNoreplyAloneIsSilentlyRefused() {
    expectParse("verbosity noreply\r\n", reject(nil, 19))
}

/// memcached reads only the last token of `refresh_certs`, for `noreply`, and ignores the others.
@Test func refreshCertificatesIgnoresTokensButNoreply() {
    expectParse("refresh_certs\r\n", command(.refreshCertificates(noreply: false), 15))
    expectParse("refresh_certs noreply\r\n", command(.refreshCertificates(noreply: true), 23))
    expectParse("refresh_certs a b\r\n", command(.refreshCertificates(noreply: false), 19))
}

@Test func shutdownNeedsToBeEnabled() {
    expectParse("shutdown\r\n", reject(.shutdownNotEnabled, 10))
    expectParse("shutdown foo\r\n", reject(.shutdownNotEnabled, 14))
    var enabled = TextParser()
    enabled.shutdownEnabled = true
    expectParse("shutdown\r\n", command(.shutdown(graceful: false), 10), parser: enabled)
    expectParse("shutdown graceful\r\n", command(.shutdown(graceful: true), 19), parser: enabled)
    expectParse("shutdown foo\r\n", reject(.invalidShutdownMode, 14), parser: enabled)
    expectParse("shutdown graceful x\r\n", reject(.invalidShutdownMode, 21), parser: enabled)
}

@Test func statsGroups() {
    expectParse("stats\r\n", command(.stats(.general), 7))
    expectParse("stats \r\n", command(.stats(.general), 8))
    for (name, group) in [
        ("settings", StatsGroup.settings), ("items", .items), ("slabs", .slabs), ("conns", .conns),
        ("reset", .reset), ("sizes", .sizes), ("replication", .replication), ("foo", .unknown),
    ] {
        expectParse("stats \(name)\r\n", command(.stats(group), 8 + name.count))
    }
}

/// memcached answers `stats detail` without on, off or dump with its usage line.
@Test func statsDetailWithoutModeIsAUsageError() {
    expectParse("stats detail\r\n", reject(.statsDetailUsage, 14))
    expectParse("stats detail whatever\r\n", reject(.statsDetailUsage, 23))
    expectParse("stats detail on\r\n", command(.stats(.detail), 17))
    expectParse("stats detail dump\r\n", command(.stats(.detail), 19))
}

/// memcached looks only at the group; `stats reset extra` resets.
@Test func statsIgnoresTokensAfterGroup() {
    expectParse("stats reset extra\r\n", command(.stats(.reset), 19))
}

@Test func lruCrawlerMetadump() {
    expectParse("lru_crawler metadump all\r\n", command(.lruCrawlerMetadump(selection: 21..<24), 26))
    expectParse("lru_crawler metadump 1\r\n", command(.lruCrawlerMetadump(selection: 21..<22), 24))
    expectParse("lru_crawler metadump bogus\r\n", command(.lruCrawlerMetadump(selection: 21..<26), 28))
    expectParse("lru_crawler metadump all extra\r\n", reject(.unknownCommand, 32))
    expectParse("lru_crawler metadump\r\n", reject(.unknownCommand, 22))
    expectParse("lru_crawler foo\r\n", reject(.unknownCommand, 17))
}
