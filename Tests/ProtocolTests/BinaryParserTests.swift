import Protocol
import Testing

/// A binary request as a client sends it.
func packet(
    _ opcode: UInt8, key: String = "", extras: [UInt8] = [], value: [UInt8] = [], opaque: UInt32 = 0,
    cas: UInt64 = 0, bodyLength: Int? = nil, magic: UInt8 = 0x80
) -> [UInt8] {
    let keyBytes = Array(key.utf8)
    let body = extras + keyBytes + value
    var bytes: [UInt8] = [
        magic, opcode, UInt8(keyBytes.count >> 8), UInt8(keyBytes.count & 0xff), UInt8(extras.count), 0, 0, 0,
    ]
    bytes += bigEndian(UInt32(bodyLength ?? body.count))
    bytes += bigEndian(opaque)
    bytes += bigEndian(cas)
    return bytes + body
}

func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}

/// Checks one request whole, fed one byte at a time (every prefix short of `consumed` needs more data), and
/// pipelined behind a NOOP.
func expectBinaryParse(
    _ input: [UInt8], _ expected: BinaryParseOutcome, parser: BinaryParser = BinaryParser(),
    sourceLocation: SourceLocation = #_sourceLocation
) {
    input.withUnsafeBytes { bytes in
        #expect(parser.parse(bytes) == expected, "whole buffer", sourceLocation: sourceLocation)
        var settled = input.count
        if case .request(_, let consumed) = expected { settled = consumed }
        if case .close = expected { settled = BinaryParser.headerSize }
        for length in 0..<input.count {
            let outcome = parser.parse(UnsafeRawBufferPointer(rebasing: bytes[0..<length]))
            let wanted = length < settled ? .needMoreData : expected
            if outcome != wanted {
                Issue.record("prefix of \(length) bytes gave \(outcome)", sourceLocation: sourceLocation)
                break
            }
        }
    }
    let noop = packet(0x0a)
    (noop + input).withUnsafeBytes { all in
        #expect(
            parser.parse(all) == .request(BinaryRequest(opcode: 0x0a, operation: .noop, key: 24..<24), consumed: 24),
            "leading noop", sourceLocation: sourceLocation)
        let outcome = parser.parse(UnsafeRawBufferPointer(rebasing: all[noop.count...]))
        #expect(outcome == expected, "pipelined", sourceLocation: sourceLocation)
    }
}

@Suite struct BinaryParserTests {
    @Test func getDecodesKeyOpaqueAndCas() {
        let input = packet(0x00, key: "alpha", opaque: 0x0102_0304, cas: 9)
        let request = BinaryRequest(
            opcode: 0x00, operation: .get(withKey: false), opaque: UInt32(0x0102_0304).bigEndian, cas: 9,
            key: 24..<29)
        expectBinaryParse(input, .request(request, consumed: 29))
    }

    @Test func quietGetWithKeyIsQuietAndReturnsTheKey() {
        let input = packet(0x0d, key: "k")
        let request = BinaryRequest(opcode: 0x0d, operation: .get(withKey: true), quiet: true, key: 24..<25)
        expectBinaryParse(input, .request(request, consumed: 25))
    }

    @Test func setWaitsForTheWholeValue() {
        let input = packet(0x11, key: "k", extras: bigEndian(UInt32(7)) + bigEndian(UInt32(60)), value: wire("hello"))
        let request = BinaryRequest(
            opcode: 0x11, operation: .store(.set, flags: 7, exptime: 60), quiet: true, key: 32..<33, value: 33..<38)
        expectBinaryParse(input, .request(request, consumed: 38))
    }

    @Test func appendTakesTheBodyAfterTheKeyAsValue() {
        let input = packet(0x0e, key: "k", value: wire("tail"))
        let request = BinaryRequest(
            opcode: 0x0e, operation: .store(.append, flags: 0, exptime: 0), key: 24..<25, value: 25..<29)
        expectBinaryParse(input, .request(request, consumed: 29))
    }

    @Test func incrementDecodesDeltaInitialAndExpiry() {
        let extras = bigEndian(UInt64(5)) + bigEndian(UInt64(100)) + bigEndian(UInt32.max)
        let input = packet(0x15, key: "n", extras: extras)
        let request = BinaryRequest(
            opcode: 0x15, operation: .arithmetic(increment: true, delta: 5, initial: 100, exptime: UInt32.max),
            quiet: true, key: 44..<45)
        expectBinaryParse(input, .request(request, consumed: 45))
    }

    @Test func flushWithAndWithoutDelay() {
        expectBinaryParse(
            packet(0x08), .request(BinaryRequest(opcode: 0x08, operation: .flush(delay: 0), key: 24..<24), consumed: 24)
        )
        let delayed = packet(0x18, extras: bigEndian(UInt32(30)))
        expectBinaryParse(
            delayed,
            .request(BinaryRequest(opcode: 0x18, operation: .flush(delay: 30), quiet: true, key: 28..<28), consumed: 28)
        )
    }

    @Test func statKeyNamesTheGroup() {
        let request = BinaryRequest(opcode: 0x10, operation: .stat, key: 24..<29)
        expectBinaryParse(packet(0x10, key: "items"), .request(request, consumed: 29))
    }

    /// memcached does not wait for the value of a store that is too large: it answers E2BIG and discards it.
    @Test func tooLargeSetIsDecidedBeforeItsValueArrives() {
        let parser = BinaryParser(maxItemSize: 1024)
        let value = [UInt8](repeating: 0x61, count: 2000)
        let input = packet(0x01, key: "k", extras: [UInt8](repeating: 0, count: 8), value: value)
        let request = BinaryRequest(opcode: 0x01, operation: .tooLarge(.set, swallow: 2000), key: 32..<33)
        expectBinaryParse(input, .request(request, consumed: 33), parser: parser)
    }

    /// The item size counts the flags, as memcached's does: one value fits only without them.
    @Test func itemSizeLimitCountsFlagsLikeMemcached() {
        let parser = BinaryParser(maxItemSize: 1024)
        // 48 + key 1 + NUL + data 963 + CRLF + CAS 8 = 1024.
        let value = [UInt8](repeating: 0x61, count: 963)
        let plain = packet(0x01, key: "k", extras: [UInt8](repeating: 0, count: 8), value: value)
        let flagged = packet(0x01, key: "k", extras: bigEndian(UInt32(1)) + bigEndian(UInt32(0)), value: value)
        plain.withUnsafeBytes { bytes in
            guard case .request(let request, _) = parser.parse(bytes) else { Issue.record("no request"); return }
            #expect(request.operation == .store(.set, flags: 0, exptime: 0))
        }
        flagged.withUnsafeBytes { bytes in
            guard case .request(let request, _) = parser.parse(bytes) else { Issue.record("no request"); return }
            #expect(request.operation == .tooLarge(.set, swallow: 963))
        }
    }

    /// memcached reads extras and key, then discards a whole body length more: it eats into the next request.
    @Test func unknownOpcodeSwallowsABodyLengthAfterTheKey() {
        let input = packet(0x7f, key: "ab", opaque: 9)
        let request = BinaryRequest(
            opcode: 0x7f, operation: .refuse(.unknownCommand, swallow: 2, close: false),
            opaque: UInt32(9).bigEndian, key: 24..<26)
        expectBinaryParse(input, .request(request, consumed: 26))
    }

    /// memcached 1.6.18 has no VERBOSITY handler: it is an unknown command.
    @Test func verbosityIsAnUnknownCommand() {
        let input = packet(0x1b, extras: bigEndian(UInt32(1)))
        let request = BinaryRequest(
            opcode: 0x1b, operation: .refuse(.unknownCommand, swallow: 4, close: false), key: 28..<28)
        expectBinaryParse(input, .request(request, consumed: 28))
    }

    @Test func keyLongerThan250IsInvalidAndCloses() {
        let input = packet(0x00, key: String(repeating: "k", count: 251))
        let request = BinaryRequest(
            opcode: 0x00, operation: .refuse(.invalidArguments, swallow: 0, close: true), key: 24..<275)
        expectBinaryParse(input, .request(request, consumed: 275))
    }

    @Test func getWithExtrasIsInvalidAndCloses() {
        let input = packet(0x00, key: "k", extras: [0, 0, 0, 0])
        let request = BinaryRequest(
            opcode: 0x00, operation: .refuse(.invalidArguments, swallow: 0, close: true), key: 28..<29)
        expectBinaryParse(input, .request(request, consumed: 29))
    }

    /// A body length shorter than extras plus key: memcached's unknown command, answered before authentication.
    @Test func bodyShorterThanKeyAndExtrasIsMalformed() {
        let input = packet(0x00, key: "key", bodyLength: 2)
        let request = BinaryRequest(opcode: 0x00, operation: .malformed, key: 24..<27)
        expectBinaryParse(input, .request(request, consumed: 27))
    }

    /// TOUCH does not check its body length, so what follows extras and key is parsed as the next request.
    @Test func touchLeavesSurplusBodyBytesForTheNextRequest() {
        var input = packet(0x1c, key: "k", extras: bigEndian(UInt32(10)))
        input[11] += 3
        input += [1, 2, 3]
        let request = BinaryRequest(opcode: 0x1c, operation: .touch(exptime: 10), key: 28..<29)
        input.withUnsafeBytes { #expect(BinaryParser().parse($0) == .request(request, consumed: 29)) }
    }

    @Test func wrongMagicCloses() {
        expectBinaryParse(packet(0x00, key: "k", magic: 0x81), .close)
    }

    @Test func saslWithoutDashSIsAnUnknownCommandThatSwallowsItsData() {
        let input = packet(0x21, key: "PLAIN", value: [0, 0x61, 0, 0x62])
        let request = BinaryRequest(
            opcode: 0x21, operation: .refuse(.unknownCommand, swallow: 4, close: false), key: 24..<29)
        expectBinaryParse(input, .request(request, consumed: 29))
    }

    @Test func saslAuthenticateCarriesMechanismAndData() {
        var parser = BinaryParser()
        parser.saslEnabled = true
        let input = packet(0x21, key: "PLAIN", value: [0, 0x61, 0, 0x62])
        let request = BinaryRequest(
            opcode: 0x21, operation: .saslAuthenticate(step: false), key: 24..<29, value: 29..<33)
        expectBinaryParse(input, .request(request, consumed: 33), parser: parser)
    }

    @Test func responseHeaderIsBigEndianWithTheOpaqueAsReceived() {
        let output = ByteBuffer(capacity: 64)
        output.appendBinaryError(.keyNotFound, opcode: 0x00, opaque: UInt32(0x0a0b_0c0d).bigEndian)
        let expected: [UInt8] =
            [0x81, 0x00, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 9, 0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0, 0, 0, 0, 0, 0]
            + wire("Not found")
        #expect(Array(output.bytes) == expected)
    }
}
