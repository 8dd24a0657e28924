/// Meta commands (`mg ms md ma me mn`) with memcached 1.6.18's acceptance rules and error texts.
extension TextParser {
    /// memcached refuses meta commands with 20 or more tokens (its limit counts a terminal token).
    static let metaTokenLimit = 20

    /// `m?`: dispatches on the second letter.
    func meta(_ line: RequestLine, command: Range<Int>) -> ParseOutcome {
        let shape = MetaLineShape(line, after: command.upperBound)
        switch line.base.byte(command.lowerBound + 1) {
        case UInt8(ascii: "g"): return metaGet(line, shape)
        case UInt8(ascii: "s"): return metaSet(line, shape)
        case UInt8(ascii: "d"): return metaDelete(line, shape)
        case UInt8(ascii: "a"): return metaArithmetic(line, shape)
        case UInt8(ascii: "e"): return metaDebug(line, shape)
        case UInt8(ascii: "n"): return line.accept(.meta(MetaRequest(kind: .noop)))
        default: return line.reject(.unknownCommand)
        }
    }

    private func metaGet(_ line: RequestLine, _ shape: MetaLineShape) -> ParseOutcome {
        guard shape.tokenCount >= 2 else { return line.reject(.unknownCommand) }
        guard shape.key.count <= maxKeyLength else { return line.reject(.badCommandLineFormat) }
        guard shape.tokenCount < Self.metaTokenLimit else { return line.reject(.getFlagsTooLong) }
        let flagTokens = shape.key.upperBound..<line.end
        if let error = MetaFlagParser.parse(line.base, flagTokens, key: shape.key).1 { return line.reject(error) }
        return line.accept(.meta(MetaRequest(kind: .get, key: shape.key, flagTokens: flagTokens)))
    }

    private func metaSet(_ line: RequestLine, _ shape: MetaLineShape) -> ParseOutcome {
        guard shape.tokenCount >= 2 else { return line.reject(.unknownCommand) }
        let base = line.base
        // None of these errors swallow the data block: memcached reads it as the next command.
        guard shape.key.count <= maxKeyLength, shape.tokenCount > 2 else {
            return line.reject(.badCommandLineFormat)
        }
        guard shape.tokenCount < Self.metaTokenLimit else { return line.reject(.flagsTooLong) }
        var lengthTokens = MetaTokens(base, shape.key.upperBound..<line.end)
        guard let lengthToken = lengthTokens.next(), let length = base.parseInt32(lengthToken),
            length >= 0 && length <= Int32.max - 2
        else { return line.reject(.badCommandLineFormat) }
        let block = Int(length) + 2

        // From here on memcached knows the length and discards the data block after an error.
        let flagTokens = lengthToken.upperBound..<line.end
        let (flags, error) = MetaFlagParser.parse(base, flagTokens, key: shape.key)
        func refuse(_ error: ClientError) -> ParseOutcome {
            .reject(error, consumed: line.consumed, swallow: block, close: false)
        }
        if let error { return refuse(error) }
        switch flags.mode {
        case 0, UInt8(ascii: "E"), UInt8(ascii: "A"), UInt8(ascii: "P"), UInt8(ascii: "R"), UInt8(ascii: "S"): break
        default: return refuse(.invalidSetMode)
        }
        if flags.opaqueTooLong { return refuse(.opaqueTooLong) }
        let keyLength = flags.base64 ? (Base64.decode(base, shape.key) ?? 0) : shape.key.count
        if Self.itemHeaderSize + keyLength + 1 + (flags.clientFlags == 0 ? 0 : 4) + Self.casSize + block
            > maxItemSize
        {
            let request = MetaRequest(
                kind: .setTooLarge, key: shape.key, flagTokens: flagTokens, swallow: block)
            return line.accept(.meta(request))
        }

        let valueEnd = line.consumed + Int(length)
        guard line.count >= valueEnd + 2 else { return .needMoreData }
        // As for `set`, memcached reads exactly <datalen> + 2 bytes, then checks the terminator; a meta set
        // reports the error even under `q`.
        guard base.byte(valueEnd) == .carriageReturn && base.byte(valueEnd + 1) == .newline else {
            return .reject(.badDataChunk, consumed: valueEnd + 2, swallow: 0, close: false)
        }
        let request = MetaRequest(
            kind: .set, key: shape.key, flagTokens: flagTokens, value: line.consumed..<valueEnd)
        return .command(.meta(request), consumed: valueEnd + 2)
    }

    private func metaDelete(_ line: RequestLine, _ shape: MetaLineShape) -> ParseOutcome {
        guard shape.tokenCount >= 2 else { return line.reject(.unknownCommand) }
        guard shape.key.count <= maxKeyLength else { return line.reject(.badCommandLineFormat) }
        guard shape.tokenCount < Self.metaTokenLimit else { return line.reject(.flagsTooLong) }
        let flagTokens = shape.key.upperBound..<line.end
        let (flags, error) = MetaFlagParser.parse(line.base, flagTokens, key: shape.key)
        if error != nil { return line.reject(.invalidOrDuplicateFlag) }
        // md writes its echoed flags before it looks the key up, so a long opaque changes nothing.
        if flags.opaqueTooLong { return line.reject(.opaqueTooLong) }
        return line.accept(.meta(MetaRequest(kind: .delete, key: shape.key, flagTokens: flagTokens)))
    }

    private func metaArithmetic(_ line: RequestLine, _ shape: MetaLineShape) -> ParseOutcome {
        guard shape.tokenCount >= 2 else { return line.reject(.unknownCommand) }
        guard shape.key.count <= maxKeyLength else { return line.reject(.badCommandLineFormat) }
        guard shape.tokenCount < Self.metaTokenLimit else { return line.reject(.flagsTooLong) }
        let flagTokens = shape.key.upperBound..<line.end
        let (flags, error) = MetaFlagParser.parse(line.base, flagTokens, key: shape.key)
        if error != nil { return line.reject(.invalidOrDuplicateFlag) }
        switch flags.mode {
        case 0, UInt8(ascii: "I"), UInt8(ascii: "+"), UInt8(ascii: "D"), UInt8(ascii: "-"): break
        default: return line.reject(.invalidArithmeticMode)
        }
        let request = MetaRequest(kind: .arithmetic, key: shape.key, flagTokens: flagTokens)
        return line.accept(.meta(request))
    }

    /// `me <key> [b]`: only a lone `b` right after the key means anything; other tokens are ignored.
    private func metaDebug(_ line: RequestLine, _ shape: MetaLineShape) -> ParseOutcome {
        guard shape.tokenCount >= 2, shape.key.count <= maxKeyLength else {
            return line.reject(.badCommandLineFormat)
        }
        var rest = MetaTokens(line.base, shape.key.upperBound..<line.end)
        var flagTokens = 0..<0
        if let first = rest.next(), line.base.matches(first, "b") {
            guard Base64.decode(line.base, shape.key) != nil else { return line.reject(.badCommandLineFormat) }
            flagTokens = first
        }
        return line.accept(.meta(MetaRequest(kind: .debug, key: shape.key, flagTokens: flagTokens)))
    }
}

/// Where a meta line's key is and how many tokens memcached's tokenizer counts on it (capped at its 23).
struct MetaLineShape {
    var key: Range<Int> = 0..<0
    var tokenCount = 1

    init(_ line: RequestLine, after command: Int) {
        var tokens = MetaTokens(line.base, command..<line.end)
        if let key = tokens.next() {
            self.key = key
            tokenCount = 2
        }
        while tokenCount < LineTokens.countLimit, tokens.next() != nil { tokenCount += 1 }
    }
}
