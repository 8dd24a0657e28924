extension TextParser {
    /// `set add replace append prepend <key> <flags> <exptime> <bytes> [noreply]` and
    /// `cas <key> <flags> <exptime> <bytes> <cas unique> [noreply]`, with their data block.
    func store(_ line: RequestLine, _ mode: StoreMode) -> ParseOutcome {
        let tokens = line.tokens()
        let required = mode == .cas ? 6 : 5
        guard tokens.count == required || tokens.count == required + 1 else {
            return line.reject(.unknownCommand)
        }
        // memcached takes the last token as `noreply` even when it stands where a number belongs.
        let noreply = tokens.lastIsNoreply
        let key = tokens[1]
        // Refused headers leave the data block in the stream, to be read as the next command.
        guard key.count <= maxKeyLength else { return line.reject(.badCommandLineFormat, noreply: noreply) }
        let base = line.base
        guard let flags = base.parseUInt32(tokens[2]), let exptime = base.parseInt32(tokens[3]),
            let length = base.parseInt32(tokens[4])
        else { return line.reject(.badCommandLineFormat, noreply: noreply) }
        var casUnique: UInt64 = 0
        if mode == .cas {
            guard let unique = base.parseUInt64(tokens[5]) else {
                return line.reject(.badCommandLineFormat, noreply: noreply)
            }
            casUnique = unique
        }
        guard length >= 0 && length <= Int32.max - 2 else {
            return line.reject(.badCommandLineFormat, noreply: noreply)
        }
        let block = Int(length) + 2
        guard itemSize(keyLength: key.count, flags: flags, block: block) <= maxItemSize else {
            return .command(
                .storeTooLarge(mode: mode, key: key, noreply: noreply, swallow: block), consumed: line.consumed)
        }

        let valueEnd = line.consumed + Int(length)
        guard line.count >= valueEnd + 2 else { return .needMoreData }
        // memcached reads exactly <bytes> + 2 bytes before it checks the terminator.
        guard base.byte(valueEnd) == .carriageReturn && base.byte(valueEnd + 1) == .newline else {
            return .reject(noreply ? nil : .badDataChunk, consumed: valueEnd + 2, swallow: 0, close: false)
        }
        let request = StoreRequest(
            mode: mode, key: key, flags: flags, exptime: Int64(exptime), value: line.consumed..<valueEnd,
            casUnique: casUnique, noreply: noreply)
        return .command(.store(request), consumed: valueEnd + 2)
    }

    /// memcached's item footprint: header, key with its NUL, flags only when non-zero, CAS, data and `\r\n`.
    @inline(__always)
    private func itemSize(keyLength: Int, flags: UInt32, block: Int) -> Int {
        Self.itemHeaderSize + keyLength + 1 + (flags == 0 ? 0 : 4) + Self.casSize + block
    }
}
