extension TextParser {
    /// `delete <key> [0] [noreply]`: memcached still takes the legacy hold time, but only `0`.
    func delete(_ line: RequestLine) -> ParseOutcome {
        let tokens = line.tokens()
        guard tokens.count >= 2 && tokens.count <= 4 else { return line.reject(.unknownCommand) }
        var noreply = false
        if tokens.count > 2 {
            let holdIsZero = line.base.matches(tokens[2], "0")
            noreply = tokens.lastIsNoreply
            let valid = (tokens.count == 3 && (holdIsZero || noreply)) || (tokens.count == 4 && holdIsZero && noreply)
            guard valid else { return line.reject(.deleteUsage, noreply: noreply) }
        }
        let key = tokens[1]
        guard key.count <= maxKeyLength else { return line.reject(.badCommandLineFormat, noreply: noreply) }
        return line.accept(.delete(key: key, noreply: noreply))
    }

    /// `incr|decr <key> <delta> [noreply]`.
    func arithmetic(_ line: RequestLine, increment: Bool) -> ParseOutcome {
        let tokens = line.tokens()
        guard tokens.count == 3 || tokens.count == 4 else { return line.reject(.unknownCommand) }
        let noreply = tokens.lastIsNoreply
        let key = tokens[1]
        guard key.count <= maxKeyLength else { return line.reject(.badCommandLineFormat, noreply: noreply) }
        guard let delta = line.base.parseUInt64(tokens[2]) else {
            return line.reject(.invalidDelta, noreply: noreply)
        }
        return line.accept(
            .arithmetic(ArithmeticRequest(key: key, delta: delta, increment: increment, noreply: noreply)))
    }

    /// `touch <key> <exptime> [noreply]`.
    func touch(_ line: RequestLine) -> ParseOutcome {
        let tokens = line.tokens()
        guard tokens.count == 3 || tokens.count == 4 else { return line.reject(.unknownCommand) }
        let noreply = tokens.lastIsNoreply
        let key = tokens[1]
        guard key.count <= maxKeyLength else { return line.reject(.badCommandLineFormat, noreply: noreply) }
        guard let exptime = line.base.parseInt32(tokens[2]) else {
            return line.reject(.invalidExptime, noreply: noreply)
        }
        return line.accept(.touch(key: key, exptime: Int64(exptime), noreply: noreply))
    }
}
