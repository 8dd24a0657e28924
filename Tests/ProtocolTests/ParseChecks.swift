import Protocol
import Testing

/// The bytes of `text`, written the way requests appear on the wire.
func wire(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// Offsets of the first `needle` at or after `start` in `input`.
func span(_ needle: String, in input: [UInt8], from start: Int = 0) -> Range<Int> {
    let pattern = wire(needle)
    for offset in start...(input.count - pattern.count)
    where Array(input[offset..<offset + pattern.count]) == pattern {
        return offset..<offset + pattern.count
    }
    preconditionFailure("\(needle) not in input")
}

func parse(_ parser: TextParser, _ input: [UInt8], prefix: Int? = nil) -> ParseOutcome {
    input.withUnsafeBytes { parser.parse(UnsafeRawBufferPointer(rebasing: $0[0..<(prefix ?? input.count)])) }
}

func command(_ command: Command, _ consumed: Int) -> ParseOutcome {
    .command(command, consumed: consumed)
}

func reject(_ error: ClientError?, _ consumed: Int, swallow: Int = 0, close: Bool = false) -> ParseOutcome {
    .reject(error, consumed: consumed, swallow: swallow, close: close)
}

/// The byte ranges an outcome points at.
func ranges(in outcome: ParseOutcome) -> [Range<Int>] {
    guard case .command(let command, _) = outcome else { return [] }
    switch command {
    case .retrieve(let request): return [request.keys]
    case .store(let request): return [request.key, request.value]
    case .delete(let key, _), .touch(let key, _, _), .storeTooLarge(_, let key, _, _): return [key]
    case .arithmetic(let request): return [request.key]
    case .meta(let request): return [request.key, request.flagTokens, request.value].filter { !$0.isEmpty }
    default: return []
    }
}

/// Checks one request three ways, as a connection may see it: the whole buffer, fed one byte at a time
/// (every shorter prefix answers `prefixes(length)`, by default `.needMoreData`), and pipelined behind
/// another command; then that nothing past `consumed` was looked at.
func expectParse(
    _ input: [UInt8], _ expected: ParseOutcome, parser: TextParser = TextParser(),
    prefixes: (Int) -> ParseOutcome = { _ in .needMoreData },
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(parse(parser, input) == expected, "whole buffer", sourceLocation: sourceLocation)

    var settled = input.count
    switch expected {
    case .command(_, let consumed), .reject(_, let consumed, _, _): settled = consumed
    case .needMoreData: break
    }
    for length in 0..<input.count {
        let wanted = length < settled ? prefixes(length) : expected
        let outcome = parse(parser, input, prefix: length)
        if outcome != wanted {
            Issue.record(
                "prefix of \(length) bytes gave \(outcome), expected \(wanted)", sourceLocation: sourceLocation)
            break
        }
    }

    let lead = wire("set p 0 0 2\r\nab\r\n")
    let leadCommand = command(
        .store(StoreRequest(mode: .set, key: 4..<5, flags: 0, exptime: 0, value: 13..<15)), lead.count)
    let pipelined = lead + input
    pipelined.withUnsafeBytes { all in
        #expect(parser.parse(all) == leadCommand, "leading command", sourceLocation: sourceLocation)
        let outcome = parser.parse(UnsafeRawBufferPointer(rebasing: all[lead.count...]))
        #expect(outcome == expected, "pipelined", sourceLocation: sourceLocation)
        for range in ranges(in: outcome) {
            let shifted = (range.lowerBound + lead.count)..<(range.upperBound + lead.count)
            #expect(Array(all[shifted]) == Array(input[range]), "shifted range", sourceLocation: sourceLocation)
        }
    }

    switch expected {
    case .needMoreData, .reject(_, _, _, close: true): return
    default: guard settled == input.count else { return }
    }
    let trailer = wire("version\r\n")
    let followed = input + trailer
    #expect(parse(parser, followed) == expected, "followed by a command", sourceLocation: sourceLocation)
    followed.withUnsafeBytes { all in
        let next = parser.parse(UnsafeRawBufferPointer(rebasing: all[settled...]))
        #expect(
            next == command(.version, trailer.count), "after consumed",
            sourceLocation: sourceLocation)
    }
}

func expectParse(
    _ input: String, _ expected: ParseOutcome, parser: TextParser = TextParser(),
    prefixes: (Int) -> ParseOutcome = { _ in .needMoreData },
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectParse(wire(input), expected, parser: parser, prefixes: prefixes, sourceLocation: sourceLocation)
}
