extension TextParser {
    /// `get`/`gets <key>*`: the key list is handed over whole and read with `KeyList`.
    @inline(__always)
    func retrieve(_ line: RequestLine, after commandEnd: Int, withCAS: Bool) -> ParseOutcome {
        guard let keys = Self.keyList(line, from: commandEnd), !keys.isEmpty else {
            return line.reject(.unknownCommand)
        }
        return line.accept(.retrieve(RetrieveRequest(keys: keys, withCAS: withCAS)))
    }

    /// `gat`/`gats <exptime> <key>*`; memcached answers a bare `gat <exptime>` with an empty `END`.
    func getAndTouch(_ line: RequestLine, after commandEnd: Int, withCAS: Bool) -> ParseOutcome {
        let base = line.base
        var start = commandEnd
        while start < line.end && base.byte(start) == .space { start += 1 }
        var exptimeEnd = start
        while exptimeEnd < line.end && base.byte(exptimeEnd) != .space { exptimeEnd += 1 }
        guard exptimeEnd > start else { return line.reject(.unknownCommand) }
        guard let exptime = base.parseInt32(start..<exptimeEnd) else { return line.reject(.invalidExptime) }
        let keys = Self.keyList(line, from: exptimeEnd) ?? line.end..<line.end
        let request = RetrieveRequest(keys: keys, withCAS: withCAS, touchExptime: Int64(exptime))
        return line.accept(.retrieve(request))
    }

    /// The rest of the line from `start` without its outer spaces; nil when only spaces remain.
    @inline(__always)
    private static func keyList(_ line: RequestLine, from start: Int) -> Range<Int>? {
        var first = start
        while first < line.end && line.base.byte(first) == .space { first += 1 }
        guard first < line.end else { return nil }
        var last = line.end
        while line.base.byte(last - 1) == .space { last -= 1 }
        return first..<last
    }
}
