import Protocol
import Testing

// Meta commands as memcached 1.6.18 parses them; every expectation was checked against the real server.

/// Flags with `letters` present and the given values.
func metaFlags(_ letters: String, _ configure: (inout MetaFlags) -> Void = { _ in }) -> MetaFlags {
    var flags = MetaFlags()
    for letter in letters.unicodeScalars { flags.insert(letter) }
    configure(&flags)
    return flags
}

func meta(_ request: MetaRequest, _ consumed: Int) -> ParseOutcome {
    .command(.meta(request), consumed: consumed)
}

/// What the executor reads from a parsed request's flag tokens.
func expectFlags(
    _ input: [UInt8], _ request: MetaRequest, _ flags: MetaFlags, sourceLocation: SourceLocation = #_sourceLocation
) {
    input.withUnsafeBytes { #expect(request.flags(in: $0) == flags, sourceLocation: sourceLocation) }
}

/// A rejected data block that memcached swallows after the refused line.
func swallowed(_ error: ClientError, line: Int, block: Int) -> ParseOutcome {
    .reject(error, consumed: line, swallow: block, close: false)
}

@Test func metaNoopIgnoresItsArguments() {
    expectParse("mn\r\n", meta(MetaRequest(kind: .noop), 4))
    expectParse("mn foo bar\r\n", meta(MetaRequest(kind: .noop), 12))
}

@Test func unknownMetaCommandsAreErrors() {
    expectParse("mz a\r\n", reject(.unknownCommand, 6))
    expectParse("mG a\r\n", reject(.unknownCommand, 6))
    expectParse("MG a v\r\n", reject(.unknownCommand, 8))
    expectParse("mgg a v\r\n", reject(.unknownCommand, 9))
}

@Test func metaGetKeepsFlagTokensInOrder() {
    let input = wire("mg key k v O12 t\r\n")
    let request = MetaRequest(kind: .get, key: span("key", in: input), flagTokens: 6..<16)
    expectParse(input, meta(request, input.count))
    expectFlags(input, request, metaFlags("kvOt"))
    var tokens: [String] = []
    input.withUnsafeBytes { bytes in
        for token in MetaTokens(bytes.baseAddress!, request.flagTokens) {
            tokens.append(String(decoding: bytes[token], as: UTF8.self))
        }
    }
    #expect(tokens == ["k", "v", "O12", "t"])
}

@Test func metaGetParsesNumericTokens() {
    let input = wire("mg a N30 T-1 R5 q\r\n")
    let flags = metaFlags("NTRq") {
        $0.vivifyExptime = 30
        $0.exptime = -1
        $0.recacheExptime = 5
    }
    let request = MetaRequest(kind: .get, key: 3..<4, flagTokens: 4..<17)
    expectParse(input, meta(request, input.count))
    expectFlags(input, request, flags)
}

/// `mg` without a key is `ERROR`; `me` without one is a client error.
@Test func metaCommandsWithoutKey() {
    expectParse("mg\r\n", reject(.unknownCommand, 4))
    expectParse("mg   \r\n", reject(.unknownCommand, 7))
    expectParse("md\r\n", reject(.unknownCommand, 4))
    expectParse("ma\r\n", reject(.unknownCommand, 4))
    expectParse("ms\r\n", reject(.unknownCommand, 4))
    expectParse("ms a\r\n", reject(.badCommandLineFormat, 6))
    expectParse("me\r\n", reject(.badCommandLineFormat, 4))
}

@Test func metaKeyLongerThan250IsRefused() {
    expectParse("mg \(key251) v\r\n", reject(.badCommandLineFormat, 258))
    expectParse("md \(key251)\r\n", reject(.badCommandLineFormat, 256))
    expectParse("me \(key251)\r\n", reject(.badCommandLineFormat, 256))
    let input = wire("mg \(key250) v\r\n")
    let request = MetaRequest(kind: .get, key: 3..<253, flagTokens: 253..<255)
    expectParse(input, meta(request, 257))
    expectFlags(input, request, metaFlags("v"))
}

@Test func unknownAndRepeatedFlags() {
    expectParse("mg a !\r\n", reject(.invalidFlag, 8))
    expectParse("mg a E5\r\n", reject(.invalidFlag, 9))
    expectParse("mg a x\r\n", reject(.invalidFlag, 8))
    expectParse("mg a v v\r\n", reject(.duplicateFlag, 10))
    expectParse("mg a O1 O2\r\n", reject(.duplicateFlag, 12))
    expectParse("md a !\r\n", reject(.invalidOrDuplicateFlag, 8))
    expectParse("ma a q q\r\n", reject(.invalidOrDuplicateFlag, 10))
}

/// memcached's flag table stops at 126: a first byte of 127 or more reads as a repeated flag.
@Test func flagByteAbove126IsADuplicate() {
    expectParse(wire("mg a ") + [0xFF] + wire("\r\n"), reject(.duplicateFlag, 8))
    expectParse(wire("mg a ") + [0x7F] + wire("\r\n"), reject(.duplicateFlag, 8))
    expectParse("mg a ~\r\n", reject(.invalidFlag, 8))
}

/// Value errors do not stop the flag scan: the last message noted wins, and a bad `F` notes none.
@Test func lastFlagErrorMessageWins() {
    expectParse("mg a Nx\r\n", reject(.badToken, 9))
    expectParse("mg a Fx\r\n", reject(.badCommandLineFormat, 9))
    expectParse("mg a Nx Fx\r\n", reject(.badToken, 12))
    expectParse("mg a Fx Jx\r\n", reject(.invalidInitial, 12))
    expectParse("mg a Jx Dx\r\n", reject(.invalidDeltaValue, 12))
    expectParse("mg a Jx !\r\n", reject(.invalidFlag, 11))
    expectParse("mg a M\r\n", reject(.modeTokenLength, 8))
    expectParse("mg a Mxx\r\n", reject(.modeTokenLength, 10))
}

/// memcached counts a terminal token, so 19 tokens after the command are already too many.
@Test func metaFlagCountLimit() {
    let eighteen = "mg a v k s t c f h l u q O1 Pa La I F1 C1 D1\r\n"
    guard case .command(.meta(let request), _) = parse(TextParser(), wire(eighteen)) else {
        Issue.record("18 flags refused")
        return
    }
    #expect(request.kind == .get)
    let nineteen = "a v k s t c f h l u q O1 Pa La I F1 C1 D1 J1\r\n"
    expectParse("mg " + nineteen, reject(.getFlagsTooLong, 3 + nineteen.utf8.count))
    expectParse("md " + nineteen, reject(.flagsTooLong, 3 + nineteen.utf8.count))
}

@Test func metaGetBase64Key() {
    let input = wire("mg YWJj b k\r\n")
    let request = MetaRequest(kind: .get, key: 3..<7, flagTokens: 7..<11)
    expectParse(input, meta(request, 13))
    expectFlags(input, request, metaFlags("bk"))
    expectParse("mg !!!! b\r\n", reject(.keyDecoding, 11))
    expectParse("mg YWJ b\r\n", reject(.keyDecoding, 10))
    expectParse("mg A=== b\r\n", reject(.keyDecoding, 11))
}

@Test func metaSetWithDataBlock() {
    let input = wire("ms a 2 T10 F3 c\r\nhi\r\n")
    let flags = metaFlags("TFc") {
        $0.exptime = 10
        $0.clientFlags = 3
    }
    let request = MetaRequest(kind: .set, key: 3..<4, flagTokens: 6..<15, value: span("hi", in: input))
    expectParse(input, meta(request, input.count))
    expectFlags(input, request, flags)
}

@Test func metaSetModesAndCompareCas() {
    let input = wire("ms a 1 MA C77 I\r\nx\r\n")
    let flags = metaFlags("MCI") {
        $0.mode = UInt8(ascii: "A")
        $0.compareCas = 77
    }
    let request = MetaRequest(kind: .set, key: 3..<4, flagTokens: 6..<15, value: 17..<18)
    expectParse(input, meta(request, input.count))
    expectFlags(input, request, flags)
}

/// Errors found before the data length is known leave the data block to be read as a command.
@Test func metaSetHeaderErrorsKeepTheDataBlock() {
    expectParse("ms a xx\r\nx\r\n", reject(.badCommandLineFormat, 9))
    expectParse("ms a -1\r\nx\r\n", reject(.badCommandLineFormat, 9))
    expectParse("ms \(key251) 1\r\nx\r\n", reject(.badCommandLineFormat, 258))
    let line = "ms a 1 v k s t c f h l u q O1 Pa La I F1 C1 D1\r\n"
    expectParse(line + "x\r\n", reject(.flagsTooLong, line.utf8.count))
}

/// Errors found after the data length swallow the data block, even when it has not arrived yet.
@Test func metaSetFlagErrorsSwallowTheDataBlock() {
    expectParse("ms a 2 !\r\nhi\r\n", swallowed(.invalidFlag, line: 10, block: 4))
    expectParse("ms a 2 E999\r\nhi\r\n", swallowed(.invalidFlag, line: 13, block: 4))
    expectParse("ms a 2 S2\r\nhi\r\n", swallowed(.invalidFlag, line: 11, block: 4))
    expectParse("ms a 1 MZ\r\nx\r\n", swallowed(.invalidSetMode, line: 11, block: 3))
    expectParse("ms a 1 Ms\r\nx\r\n", swallowed(.invalidSetMode, line: 11, block: 3))
    expectParse("ms a 1 MEE\r\nx\r\n", swallowed(.modeTokenLength, line: 12, block: 3))
    expectParse("ms !!!! 1 b\r\nx\r\n", swallowed(.keyDecoding, line: 13, block: 3))
    let long = "O" + String(repeating: "9", count: 32)
    expectParse("ms a 1 \(long)\r\nx\r\n", swallowed(.opaqueTooLong, line: 42, block: 3))
    // An invalid mode is reported before a long opaque.
    expectParse("ms a 1 MZ \(long)\r\nx\r\n", swallowed(.invalidSetMode, line: 45, block: 3))
}

/// A meta set reports a bad data chunk even under `q`, after reading exactly <datalen> + 2 bytes.
@Test func metaSetBadDataChunkIgnoresQuiet() {
    expectParse("ms a 2 q\r\nabcd\r\n", reject(.badDataChunk, 14))
    expectParse("ms a 2\r\nabc\r\n", reject(.badDataChunk, 12))
}

@Test func metaSetTooLargeSwallowsItsBlock() {
    let parser = TextParser(maxItemSize: 1024)
    let input = wire("ms a 2000 q\r\n")
    let request = MetaRequest(kind: .setTooLarge, key: 3..<4, flagTokens: 9..<11, swallow: 2002)
    expectParse(input, meta(request, input.count), parser: parser)
    expectFlags(input, request, metaFlags("q"))
}

@Test func metaDeleteFlags() {
    let input = wire("md a I T30 C5 q\r\n")
    let flags = metaFlags("ITCq") {
        $0.exptime = 30
        $0.compareCas = 5
    }
    let request = MetaRequest(kind: .delete, key: 3..<4, flagTokens: 4..<15)
    expectParse(input, meta(request, 17))
    expectFlags(input, request, flags)
    expectParse("md a x\r\n", reject(.invalidOrDuplicateFlag, 8))
    expectParse("md a Tx\r\n", reject(.invalidOrDuplicateFlag, 9))
    let long = "O" + String(repeating: "9", count: 32)
    expectParse("md a \(long)\r\n", reject(.opaqueTooLong, 40))
}

@Test func metaArithmeticFlags() {
    let input = wire("ma n MD D3 J7 N0 v\r\n")
    let flags = metaFlags("MDJNv") {
        $0.mode = UInt8(ascii: "D")
        $0.delta = 3
        $0.initial = 7
    }
    let request = MetaRequest(kind: .arithmetic, key: 3..<4, flagTokens: 4..<18)
    expectParse(input, meta(request, 20))
    expectFlags(input, request, flags)
    expectParse("ma n MX\r\n", reject(.invalidArithmeticMode, 9))
    expectParse("ma n Dx\r\n", reject(.invalidOrDuplicateFlag, 9))
    expectParse("ma n D-1\r\n", reject(.invalidOrDuplicateFlag, 10))
    let plus = wire("ma n M+\r\n")
    let increment = MetaRequest(kind: .arithmetic, key: 3..<4, flagTokens: 4..<7)
    expectParse(plus, meta(increment, plus.count))
    expectFlags(plus, increment, metaFlags("M") { $0.mode = UInt8(ascii: "+") })
}

/// `me` only honours a lone `b` right after the key and ignores every other token.
@Test func metaDebugReadsOnlyTheBase64Marker() {
    expectParse("me a x y\r\n", meta(MetaRequest(kind: .debug, key: 3..<4), 10))
    let debug = MetaRequest(kind: .debug, key: 3..<7, flagTokens: 8..<9)
    expectParse("me YWJj b\r\n", meta(debug, 11))
    expectFlags(wire("me YWJj b\r\n"), debug, metaFlags("b"))
    expectParse("me YWJj bb\r\n", meta(MetaRequest(kind: .debug, key: 3..<7), 12))
    expectParse("me !!!! b\r\n", reject(.badCommandLineFormat, 11))
}

@Test func base64DecodesAsMemcachedDoes() {
    func decoded(_ text: String) -> [UInt8]? {
        let input = wire(text)
        var output = [UInt8](repeating: 0, count: input.count)
        let length = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { Base64.decode(source.baseAddress!, 0..<input.count, into: $0.baseAddress!) }
        }
        return length.map { Array(output[0..<$0]) }
    }
    #expect(decoded("YWJj") == wire("abc"))
    #expect(decoded("YQ==") == wire("a"))
    #expect(decoded("YWI=") == wire("ab"))
    #expect(decoded("YQ==YWJj") == wire("a"))  // stops after the first padded block
    #expect(decoded("YW!Jj") == wire("abc"))  // foreign bytes are skipped
    #expect(decoded("A===") == nil)
    #expect(decoded("YWJ") == nil)
    #expect(decoded("!!!!") == nil)
}

@Test func base64EncodesWithPadding() {
    for (plain, encoded) in [("a", "YQ=="), ("ab", "YWI="), ("abc", "YWJj"), ("abcd", "YWJjZA==")] {
        let buffer = ByteBuffer()
        wire(plain).withUnsafeBytes { Base64.encode($0, to: buffer) }
        #expect(Array(buffer.bytes) == wire(encoded))
    }
}

/// Meta requests keep ranges only, so every parse outcome stays as small as a storage command makes it.
@Test func metaRequestDoesNotGrowCommand() {
    #expect(MemoryLayout<MetaRequest>.size <= MemoryLayout<StoreRequest>.size)
}
