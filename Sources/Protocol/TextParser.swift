/// Decodes memcached text protocol requests with memcached 1.6's exact acceptance rules.
///
/// `parse` looks at the front of a connection's read buffer and returns one outcome; it keeps no
/// state between calls, so a caller feeds it the same bytes again once more have arrived.
public struct TextParser: Sendable {
    /// Longest key memcached accepts.
    public var maxKeyLength = 250
    /// Bytes without a newline after which the connection is closed (unless it is a large multiget).
    public var maxLineLength = 2048
    /// memcached's `-I`: the largest item, header and key included.
    public var maxItemSize: Int
    /// memcached's `-A`: whether `shutdown` is honoured.
    public var shutdownEnabled = false

    /// memcached's item header on a 64-bit build, and the CAS unique stored with every item.
    static let itemHeaderSize = 48
    static let casSize = 8
    /// memcached refuses a line that runs past `maxLineLength` unless a multiget starts within this many spaces.
    static let multigetLeadingSpaceLimit = 100

    public init(maxItemSize: Int = 1024 * 1024) {
        self.maxItemSize = maxItemSize
    }

    /// Parses the request at the front of `bytes`. Pure: no I/O, no globals, no heap allocation.
    public func parse(_ bytes: UnsafeRawBufferPointer) -> ParseOutcome {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .needMoreData }
        guard let (newline, firstNUL) = Self.findNewline(base, count: bytes.count) else {
            return unterminatedLine(base, count: bytes.count)
        }
        // memcached strips one `\r` before the `\n`, except on a line that is only `\r\n`.
        var end = newline > 1 && base.byte(newline - 1) == .carriageReturn ? newline - 1 : newline
        // memcached's tokenizer runs `strlen` over the line, so a NUL byte ends it early.
        if firstNUL < end { end = firstNUL }
        let line = RequestLine(base: base, count: bytes.count, end: end, consumed: newline + 1)

        var start = 0
        while start < end && base.byte(start) == .space { start += 1 }
        var commandEnd = start
        while commandEnd < end && base.byte(commandEnd) != .space { commandEnd += 1 }
        let command = start..<commandEnd
        // No command is shorter than two bytes.
        guard command.count >= 2 else { return line.reject(.unknownCommand) }

        switch base.byte(start) {
        case UInt8(ascii: "g"):
            if base.matches(command, "get") { return retrieve(line, after: commandEnd, withCAS: false) }
            if base.matches(command, "gets") { return retrieve(line, after: commandEnd, withCAS: true) }
            if base.matches(command, "gat") { return getAndTouch(line, after: commandEnd, withCAS: false) }
            if base.matches(command, "gats") { return getAndTouch(line, after: commandEnd, withCAS: true) }
            return line.reject(.unknownCommand)
        case UInt8(ascii: "s"):
            if base.matches(command, "set") { return store(line, .set) }
            if base.matches(command, "stats") { return stats(line) }
            if base.matches(command, "shutdown") { return shutdown(line) }
            return line.reject(.unknownCommand)
        case UInt8(ascii: "a"):
            if base.matches(command, "add") { return store(line, .add) }
            if base.matches(command, "append") { return store(line, .append) }
            return line.reject(.unknownCommand)
        case UInt8(ascii: "c"):
            if base.matches(command, "cas") { return store(line, .cas) }
            return line.reject(.unknownCommand)
        case UInt8(ascii: "i"):
            if base.matches(command, "incr") { return arithmetic(line, increment: true) }
            return line.reject(.unknownCommand)
        case UInt8(ascii: "d"):
            if base.matches(command, "delete") { return delete(line) }
            if base.matches(command, "decr") { return arithmetic(line, increment: false) }
            return line.reject(.unknownCommand)
        case UInt8(ascii: "t"):
            if base.matches(command, "touch") { return touch(line) }
            return line.reject(.unknownCommand)
        case UInt8(ascii: "m") where command.count == 2:
            return meta(line, command: command)
        default:
            if base.matches(command, "replace") { return store(line, .replace) }
            if base.matches(command, "prepend") { return store(line, .prepend) }
            // memcached still serves this ancient alias of `get`.
            if base.matches(command, "bget") { return retrieve(line, after: commandEnd, withCAS: false) }
            if base.matches(command, "flush_all") { return flushAll(line) }
            if base.matches(command, "version") { return line.accept(.version) }
            if base.matches(command, "quit") { return line.accept(.quit) }
            if base.matches(command, "verbosity") { return verbosity(line) }
            if base.matches(command, "lru_crawler") { return lruCrawler(line) }
            if base.matches(command, "refresh_certs") {
                return line.accept(.refreshCertificates(noreply: line.tokens().lastIsNoreply))
            }
            // memcached drops connections that speak HTTP to it, without a reply.
            let tokens = line.tokens()
            if base.hasPrefix(tokens.last, "HTTP/") {
                return .reject(nil, consumed: line.consumed, swallow: 0, close: true)
            }
            return line.reject(.unknownCommand)
        }
    }

    /// A buffer without a newline yet: wait, unless it is already longer than any command line may be.
    private func unterminatedLine(_ base: UnsafeRawPointer, count: Int) -> ParseOutcome {
        guard count > maxLineLength else { return .needMoreData }
        var start = 0
        while start < count && base.byte(start) == .space { start += 1 }
        // A multiget's key list has no length limit; anything else this long is hostile.
        if start <= Self.multigetLeadingSpaceLimit
            && (base.hasPrefix(start..<count, "get ") || base.hasPrefix(start..<count, "gets "))
        {
            return .needMoreData
        }
        return .reject(nil, consumed: count, swallow: 0, close: true)
    }

    /// The offset of the first `\n` and of the first NUL before it (`count` if none); nil without a newline.
    @inline(__always)
    static func findNewline(_ base: UnsafeRawPointer, count: Int) -> (newline: Int, firstNUL: Int)? {
        var i = 0
        var firstNUL = count
        while i < count {
            // Skip eight bytes at a time while a word holds neither a newline nor a first NUL.
            var stop = count
            if i &+ 8 <= count {
                let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if !hasZeroByte(word ^ 0x0a0a_0a0a_0a0a_0a0a) && (firstNUL < count || !hasZeroByte(word)) {
                    i &+= 8
                    continue
                }
                stop = i &+ 8
            }
            while i < stop {
                let byte = base.byte(i)
                if byte == .newline { return (i, firstNUL) }
                if byte == 0 && firstNUL == count { firstNUL = i }
                i &+= 1
            }
        }
        return nil
    }

    @inline(__always)
    private static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
    }
}
