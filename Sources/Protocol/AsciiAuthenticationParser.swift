/// memcached's `-Y` handshake: before authenticating, a text connection may only send
/// `set <any key> <any flags> <any exptime> <bytes>\r\n<user> <password>\r\n`; anything else is refused line
/// by line. Pure: no I/O, no allocation.
public struct AsciiAuthenticationParser: Sendable {
    /// Bytes without a newline after which memcached gives up on the connection.
    public var maxLineLength = 2048

    public init() {}

    public func parse(_ bytes: UnsafeRawBufferPointer) -> AsciiAuthenticationOutcome {
        // memcached waits for two bytes before it looks at anything.
        guard bytes.count >= 2 else { return .needMoreData }
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            return bytes.count > maxLineLength ? .close : .needMoreData
        }
        let lineEnd = Self.stringEnd(bytes, 0..<newline)
        var tokens = (0..<0, 0..<0, 0..<0, 0..<0, 0..<0)
        // The `\r` stays in the line, as in memcached's tokenizer; the length's parse stops at it.
        let count = Self.tokenize(bytes, 0..<lineEnd) { index, token in
            switch index {
            case 0: tokens.0 = token
            case 1: tokens.1 = token
            case 2: tokens.2 = token
            case 3: tokens.3 = token
            case 4: tokens.4 = token
            default: break
            }
        }
        let unauthenticated = AsciiAuthenticationOutcome.reject(
            .message("CLIENT_ERROR unauthenticated"), consumed: newline + 1)
        guard count >= 5, bytes[tokens.0].elementsEqual("set".utf8), let size = Self.dataLength(bytes, tokens.4)
        else { return unauthenticated }
        let dataStart = newline + 1
        let dataEnd = dataStart + size + 2
        guard bytes.count >= dataEnd else { return .needMoreData }
        guard bytes[dataEnd - 2] == UInt8(ascii: "\r"), bytes[dataEnd - 1] == UInt8(ascii: "\n") else {
            return .reject(.message("CLIENT_ERROR bad command line termination"), consumed: dataEnd)
        }
        var user = 0..<0
        var password = 0..<0
        let dataTokens = Self.tokenize(bytes, dataStart..<Self.stringEnd(bytes, dataStart..<(dataEnd - 2))) {
            index, token in
            if index == 0 { user = token } else if index == 1 { password = token }
        }
        guard dataTokens >= 2 else {
            return .reject(.message("CLIENT_ERROR bad authentication token format"), consumed: dataEnd)
        }
        return .credentials(user: user, password: password, consumed: dataEnd)
    }

    /// memcached treats both the line and the data as C strings: a NUL ends them.
    private static func stringEnd(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int {
        bytes[range].firstIndex(of: 0) ?? range.upperBound
    }

    /// Space-separated tokens of `range` (runs of spaces give no empty tokens); returns how many.
    private static func tokenize(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ visit: (Int, Range<Int>) -> Void
    ) -> Int {
        var count = 0
        var start = range.lowerBound
        for index in range where bytes[index] == UInt8(ascii: " ") {
            if index > start {
                visit(count, start..<index)
                count += 1
            }
            start = index + 1
        }
        if range.upperBound > start {
            visit(count, start..<range.upperBound)
            count += 1
        }
        return count
    }

    /// The data length token: decimal digits, then nothing or whitespace (the line's `\r`), as a 32-bit value.
    private static func dataLength(_ bytes: UnsafeRawBufferPointer, _ token: Range<Int>) -> Int? {
        var value: UInt64 = 0
        var index = token.lowerBound
        while index < token.upperBound, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            value = value &* 10 &+ UInt64(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        guard index > token.lowerBound else { return nil }
        if index < token.upperBound {
            let next = bytes[index]
            guard next == UInt8(ascii: "\r") || next == UInt8(ascii: "\t") || next == UInt8(ascii: " ") else {
                return nil
            }
        }
        return Int(UInt32(truncatingIfNeeded: value))
    }
}
