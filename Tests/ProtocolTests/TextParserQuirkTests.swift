import Protocol
import Testing

// memcached 1.6.18 behaviour worth one test each; every expectation was checked against the real server.

let key250 = String(repeating: "k", count: 250)
let key251 = String(repeating: "k", count: 251)

@Test func bareNewlineEndsALine() {
    expectParse("get k\n", command(.retrieve(RetrieveRequest(keys: 4..<5, withCAS: false)), 6))
    let input = wire("set k 0 0 1\nx\r\n")
    let request = StoreRequest(mode: .set, key: 4..<5, flags: 0, exptime: 0, value: 12..<13)
    expectParse(input, command(.store(request), 15))
}

@Test func leadingAndRepeatedSpacesAreSkipped() {
    let input = wire("  get   a    b  \r\n")
    expectParse(input, command(.retrieve(RetrieveRequest(keys: span("a    b", in: input), withCAS: false)), 18))
    expectParse("delete   k   noreply\r\n", command(.delete(key: 9..<10, noreply: true), 22))
}

/// Only spaces separate tokens: `get\tk` is an unknown command, and `k\tx` is one key.
@Test func tabIsNotASeparator() {
    expectParse("get\tk\r\n", reject(.unknownCommand, 7))
    expectParse("get k\tx\r\n", command(.retrieve(RetrieveRequest(keys: 4..<7, withCAS: false)), 9))
}

/// Only the one `\r` before `\n` is stripped; another belongs to the last token.
@Test func onlyOneCarriageReturnIsStripped() {
    expectParse("get a\r\r\n", command(.retrieve(RetrieveRequest(keys: 4..<6, withCAS: false)), 8))
}

@Test func commandsAreCaseSensitive() {
    expectParse("GET k\r\n", reject(.unknownCommand, 7))
    expectParse("Set k 0 0 1\r\n", reject(.unknownCommand, 13))
}

@Test func emptyAndOneLetterLinesAreErrors() {
    expectParse("\r\n", reject(.unknownCommand, 2))
    expectParse("\n", reject(.unknownCommand, 1))
    expectParse("   \r\n", reject(.unknownCommand, 5))
    expectParse("x\r\n", reject(.unknownCommand, 3))
    expectParse("getx k\r\n", reject(.unknownCommand, 8))
    expectParse("sets k\r\n", reject(.unknownCommand, 8))
}

/// memcached tokenizes with `strlen`, so a NUL byte ends the line there.
@Test func nulByteEndsTheLine() {
    let input = wire("get a\u{0}b c\r\n")
    expectParse(input, command(.retrieve(RetrieveRequest(keys: 4..<5, withCAS: false)), input.count))
    let store = wire("set a 0 0 1\u{0} junk\r\nA\r\n")
    let request = StoreRequest(mode: .set, key: 4..<5, flags: 0, exptime: 0, value: span("A", in: store))
    expectParse(store, command(.store(request), store.count))
    expectParse("get  \u{0}a\r\n", reject(.unknownCommand, 9))
}

@Test func wrongTokenCountsAreErrors() {
    expectParse("get\r\n", reject(.unknownCommand, 5))
    expectParse("get   \r\n", reject(.unknownCommand, 8))
    expectParse("gat\r\n", reject(.unknownCommand, 5))
    expectParse("set k 0 0\r\n", reject(.unknownCommand, 11))
    expectParse("set k 0 0 1 noreply x\r\n", reject(.unknownCommand, 23))
    expectParse("cas k 0 0 1\r\n", reject(.unknownCommand, 13))
    expectParse("incr k\r\n", reject(.unknownCommand, 8))
    expectParse("decr k 1 noreply x\r\n", reject(.unknownCommand, 20))
    expectParse("touch k\r\n", reject(.unknownCommand, 9))
    expectParse("delete\r\n", reject(.unknownCommand, 8))
    expectParse("delete k 0 noreply x\r\n", reject(.unknownCommand, 22))
}

/// A storage line refused by its token count does not swallow the data: `x` is read as a command next.
@Test func storageWithWrongTokenCountLeavesDataBlock() {
    let input = wire("set k 0 0\r\nx\r\n")
    #expect(parse(TextParser(), input) == reject(.unknownCommand, 11))
    #expect(parse(TextParser(), Array(input[11...])) == reject(.unknownCommand, 3))
}

/// memcached closes the connection, without a reply, on a request that looks like HTTP.
@Test func httpRequestClosesSilently() {
    expectParse("GET / HTTP/1.1\r\n", reject(nil, 16, close: true))
    expectParse("foo bar HTTP/1.0\r\n", reject(nil, 18, close: true))
    // Lower-case `get` is a multiget of two keys, not HTTP.
    let input = wire("get / HTTP/1.1\r\n")
    expectParse(input, command(.retrieve(RetrieveRequest(keys: span("/ HTTP/1.1", in: input), withCAS: false)), 16))
}

@Test func keyOf250BytesIsAccepted() {
    let input = wire("set \(key250) 0 0 1\r\nx\r\n")
    let request = StoreRequest(mode: .set, key: 4..<254, flags: 0, exptime: 0, value: span("x", in: input))
    expectParse(input, command(.store(request), input.count))
}

@Test func keyOf251BytesIsRefused() {
    expectParse("delete \(key251)\r\n", reject(.badCommandLineFormat, 260))
    expectParse("incr \(key251) 1\r\n", reject(.badCommandLineFormat, 260))
    expectParse("incr \(key251) x\r\n", reject(.badCommandLineFormat, 260))
    expectParse("touch \(key251) 1\r\n", reject(.badCommandLineFormat, 261))
    expectParse("touch \(key251) 1 noreply\r\n", reject(nil, 269))
    // delete checks its extra tokens before the key.
    expectParse("delete \(key251) 1\r\n", reject(.deleteUsage, 262))
}

/// A storage command refused for its key leaves the data block to be parsed as the next command.
@Test func setDoesNotSwallowDataBlockOfOverlongKey() {
    let input = wire("set \(key251) 0 0 1\r\nx\r\n")
    let line = span("\r\n", in: input).upperBound
    expectParse(Array(input[..<line]), reject(.badCommandLineFormat, line))
    #expect(parse(TextParser(), input) == reject(.badCommandLineFormat, line))
    #expect(parse(TextParser(), Array(input[line...])) == reject(.unknownCommand, 3))
}

@Test func overlongKeyUnderNoreplyIsSilent() {
    let input = wire("set \(key251) 0 0 1 noreply\r\n")
    expectParse(input, reject(nil, input.count))
}

/// A multiget's keys are checked by the executor as it walks them (see `KeyList`), not by the parser.
@Test func multigetWithOverlongKeyStillParses() {
    let input = wire("get a \(key251) b\r\n")
    let request = RetrieveRequest(keys: 4..<(input.count - 2), withCAS: false)
    expectParse(input, command(.retrieve(request), input.count))
}

/// Bad header numbers are refused with `bad command line format`, and the data block is not swallowed.
@Test func storageRejectsBadNumbersWithoutSwallowing() {
    for line in [
        "set k abc 0 1\r\n", "set k -1 0 1\r\n", "set k 0 abc 1\r\n", "set k 0 0 abc\r\n", "set k 0 0 -1\r\n",
        "set k 0 0 0x1\r\n", "set k 0 99999999999999999999 1\r\n", "set k 0 9223372036854775808 1\r\n",
        "set k 4294967296x 0 1\r\n",
        "cas k 0 0 1 x\r\n", "cas k 0 0 1 -1\r\n",
    ] {
        expectParse(line, reject(.badCommandLineFormat, line.utf8.count))
    }
}

/// `set k 0 0 noreply` takes the last token as `noreply`, so its refusal is silent.
@Test func storageNoreplyInPlaceOfLengthIsSilent() {
    expectParse("set k 0 0 noreply\r\n", reject(nil, 19))
    expectParse("set k 0 0 -1 noreply\r\n", reject(nil, 22))
}

@Test func casWithBadUniqueUnderNoreplyIsSilent() {
    expectParse("cas k 0 0 1 x noreply\r\n", reject(nil, 23))
}

/// memcached reads numbers with strtol/strtoul and truncates them to 32 bits.
@Test func headerNumbersFollowCLibraryRules() {
    func stored(_ line: String, flags: UInt32, exptime: Int64) {
        let input = wire(line + "x\r\n")
        let request = StoreRequest(
            mode: .set, key: 4..<5, flags: flags, exptime: exptime, value: (input.count - 3)..<(input.count - 2))
        expectParse(input, command(.store(request), input.count))
    }
    stored("set k 4294967301 0 1\r\n", flags: 5, exptime: 0)
    stored("set k -0 0 1\r\n", flags: 0, exptime: 0)
    stored("set k -18446744073709551615 0 1\r\n", flags: 1, exptime: 0)
    stored("set k +7 +9 +1\r\n", flags: 7, exptime: 9)
    stored("set k 0 \t5 1\r\n", flags: 0, exptime: 5)
    stored("set k 0 4294967296 1\r\n", flags: 0, exptime: 0)
    stored("set k 0 4294967295 1\r\n", flags: 0, exptime: -1)
    stored("set k 0 -9223372036854775808 1\r\n", flags: 0, exptime: 0)
    // The length is truncated too: 2^32 + 1 reads one byte.
    stored("set k 0 0 4294967297\r\n", flags: 0, exptime: 0)
    // Whitespace after the digits ends the number; what follows it is ignored.
    stored("set k 0 0 1\t\r\n", flags: 0, exptime: 0)
    stored("set k 0 0 1\tzz\r\n", flags: 0, exptime: 0)
}

/// memcached's item limit: 48-byte header, key and its NUL, 4 bytes of flags when non-zero, 8 of CAS,
/// the data and its `\r\n`, at most `-I` (1 MiB): bisected against `memcached -I 1m`.
@Test func objectTooLargeBoundaryMatchesMemcached() {
    func check(key: String, flags: UInt32, largest: Int) {
        let fits = wire("set \(key) \(flags) 0 \(largest)\r\n")
        let value = fits.count..<(fits.count + largest)
        let input = fits + [UInt8](repeating: 120, count: largest) + wire("\r\n")
        let request = StoreRequest(mode: .set, key: 4..<(4 + key.utf8.count), flags: flags, exptime: 0, value: value)
        expectParse(input, command(.store(request), input.count))

        let over = wire("set \(key) \(flags) 0 \(largest + 1)\r\n")
        let tooLarge = Command.storeTooLarge(
            mode: .set, key: 4..<(4 + key.utf8.count), noreply: false, swallow: largest + 3)
        expectParse(over, command(tooLarge, over.count))
    }
    check(key: "k", flags: 0, largest: 1_048_516)
    check(key: "k", flags: 1, largest: 1_048_512)
    check(key: key250, flags: 0, largest: 1_048_267)
    check(key: key250, flags: 4_294_967_295, largest: 1_048_263)
}

/// Checked against `memcached -I 1k -o slab_chunk_max=512`.
@Test func maxItemSizeFollowsConfiguration() {
    let parser = TextParser(maxItemSize: 1024)
    // 48 + 2 + 8 + 964 + 2 = 1024.
    let fits = wire("set k 0 0 964\r\n")
    #expect(parse(parser, fits) == .needMoreData)
    let over = wire("set k 0 0 965\r\n")
    expectParse(over, command(.storeTooLarge(mode: .set, key: 4..<5, noreply: false, swallow: 967), 15), parser: parser)
}

/// A too-large value is refused as soon as its line is complete; its data block (+2) is then swallowed.
@Test func setSwallowsDataBlockOfRejectedCommand() {
    expectParse(
        "set big 0 0 2000000\r\n",
        command(.storeTooLarge(mode: .set, key: 4..<7, noreply: false, swallow: 2_000_002), 21))
    expectParse(
        "add big 0 0 2000000 noreply\r\n",
        command(.storeTooLarge(mode: .add, key: 4..<7, noreply: true, swallow: 2_000_002), 29))
    expectParse(
        "cas big 0 0 2000000 1\r\n",
        command(.storeTooLarge(mode: .cas, key: 4..<7, noreply: false, swallow: 2_000_002), 23))
    #expect(ClientError.objectTooLarge.replyText.description == "SERVER_ERROR object too large for cache")
}

/// Lengths up to INT_MAX - 2 are too large (and swallowed); INT_MAX - 1 is a bad command line.
@Test func lengthLimitIsIntMaxMinusTwo() {
    expectParse(
        "set k 0 0 2147483645\r\n",
        command(.storeTooLarge(mode: .set, key: 4..<5, noreply: false, swallow: 2_147_483_647), 22))
    expectParse("set k 0 0 2147483646\r\n", reject(.badCommandLineFormat, 22))
}

/// memcached reads exactly <bytes> + 2 bytes, then refuses them if they do not end in `\r\n`.
@Test func dataBlockWithoutTerminatorIsABadDataChunk() {
    let input = wire("set k 0 0 1\r\nabc\r\n")
    expectParse(Array(input[..<16]), reject(.badDataChunk, 16))
    // What remains, `\r\n`, then reads as an empty command line.
    #expect(parse(TextParser(), Array(input[16...])) == reject(.unknownCommand, 2))
    expectParse("set k 0 0 1\r\na\ng", reject(.badDataChunk, 16))
    #expect(ClientError.badDataChunk.replyText.description == "CLIENT_ERROR bad data chunk")
}

@Test func badDataChunkUnderNoreplyIsSilent() {
    expectParse("set k 0 0 1 noreply\r\nabc", reject(nil, 24))
}

/// How memcached answers prefixes of a request longer than 2048 bytes: it closes once more than 2048
/// bytes are buffered without a newline.
func closesBeforeNewline(_ input: [UInt8]) -> (Int) -> ParseOutcome {
    { length in
        length > 2048 && !input[..<length].contains(UInt8(ascii: "\n"))
            ? reject(nil, length, close: true) : .needMoreData
    }
}

/// More than 2048 bytes without a newline: memcached closes the connection without a reply.
@Test func overlongLineWithoutNewlineCloses() {
    let prefix = wire(String(repeating: "x", count: 2048))
    #expect(parse(TextParser(), prefix) == .needMoreData)
    let input = prefix + wire("x")
    expectParse(input, reject(nil, 2049, close: true))
    let set = wire("set k 0 0 " + String(repeating: "0", count: 2100))
    expectParse(set, reject(nil, set.count, close: true), prefixes: closesBeforeNewline(set))
}

/// A long line that already holds its newline is parsed like any other (memcached reads 16 KiB at once).
@Test func longLineWithNewlineIsParsed() {
    let padded = wire("set a 0 0 " + String(repeating: "0", count: 3000) + "1\r\nA\r\n")
    let request = StoreRequest(
        mode: .set, key: 4..<5, flags: 0, exptime: 0, value: (padded.count - 3)..<(padded.count - 2))
    expectParse(padded, command(.store(request), padded.count), prefixes: closesBeforeNewline(padded))
    let longKey = wire("set " + String(repeating: "k", count: 3000) + " 0 0 1\r\n")
    expectParse(longKey, reject(.badCommandLineFormat, longKey.count), prefixes: closesBeforeNewline(longKey))
    let version = wire("version" + String(repeating: " ", count: 3000) + "\r\n")
    expectParse(version, command(.version, version.count), prefixes: closesBeforeNewline(version))
}

/// `get `/`gets ` lines (after at most 100 spaces) may run past 2048 bytes: memcached keeps reading.
@Test func largeMultigetKeepsReadingPastLineLimit() {
    let keys = (0..<700).map { "key\($0)" }.joined(separator: " ")
    for (name, withCAS) in [("get", false), ("gets", true)] {
        let input = wire("\(name) \(keys)\r\n")
        let request = RetrieveRequest(keys: span(keys, in: input), withCAS: withCAS)
        expectParse(input, command(.retrieve(request), input.count))
    }
    let spaced = wire(String(repeating: " ", count: 100) + "get " + keys + "\r\n")
    expectParse(spaced, command(.retrieve(RetrieveRequest(keys: span(keys, in: spaced), withCAS: false)), spaced.count))
}

@Test func onlyGetAndGetsMayRunPastLineLimit() {
    let keys = (0..<700).map { "key\($0)" }.joined(separator: " ")
    for line in [
        "gat 0 \(keys)\r\n", String(repeating: " ", count: 101) + "get \(keys)\r\n",
        "get\(String(repeating: "x", count: 3000))\r\n",
    ] {
        let input = wire(line)
        let whole = parse(TextParser(), input)
        if case .reject(_, _, _, close: true) = whole { Issue.record("a complete line must not close") }
        #expect(parse(TextParser(), input, prefix: input.count - 2) == reject(nil, input.count - 2, close: true))
    }
}
