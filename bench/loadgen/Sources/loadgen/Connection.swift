#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Monotonic clock in nanoseconds.
func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

struct ConnectError: Error, CustomStringConvertible {
    let description: String
}

/// One reply parsed off the wire.
enum Reply {
    case stored
    case hit
    case miss
    case error
}

/// The protocol a connection speaks.
enum WireProtocol: String {
    case text
    case binary
}

/// One client connection speaking the memcached text or binary protocol: an output buffer, an input buffer
/// and the requests sent but not yet answered, oldest first.
final class Connection {
    let fd: Int32
    let wire: WireProtocol
    private(set) var output: [UInt8] = []
    private var outputSent = 0
    private var input: [UInt8] = []
    private var inputParsed = 0
    /// Whether each outstanding request is a get, and when it was sent.
    private var pendingIsGet: [Bool] = []
    private var pendingStart: [UInt64] = []
    private var pendingHead = 0
    /// Earliest time the next batch may go out (rate limiting).
    var nextSendAt: UInt64 = 0
    var closed = false

    init(host: String, port: UInt16, wire: WireProtocol) throws {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
            throw ConnectError(description: "not an IPv4 address: \(host)")
        }
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ConnectError(description: "socket: errno \(errno)") }
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw ConnectError(description: "connect to \(host):\(port): errno \(code)")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        self.fd = fd
        self.wire = wire
        output.reserveCapacity(64 * 1024)
        input.reserveCapacity(64 * 1024)
    }

    deinit {
        close(fd)
    }

    var outstanding: Int { pendingIsGet.count - pendingHead }
    var wantsWrite: Bool { outputSent < output.count }

    func appendSet(key: UInt64, value: [UInt8], now: UInt64) {
        if wire == .binary {
            // SET: extras are flags (0) and exptime (0).
            appendBinaryRequest(opcode: 0x01, key: key, extrasLength: 8, valueLength: value.count)
            output.append(contentsOf: repeatElement(0, count: 8))
            appendKey(key)
            output.append(contentsOf: value)
            pendingIsGet.append(false)
            pendingStart.append(now)
            return
        }
        appendBytes("set memtier-")
        appendNumber(key)
        appendBytes(" 0 0 ")
        appendNumber(UInt64(value.count))
        appendBytes("\r\n")
        output.append(contentsOf: value)
        appendBytes("\r\n")
        pendingIsGet.append(false)
        pendingStart.append(now)
    }

    func appendGet(key: UInt64, now: UInt64) {
        if wire == .binary {
            appendBinaryRequest(opcode: 0x00, key: key, extrasLength: 0, valueLength: 0)
            appendKey(key)
            pendingIsGet.append(true)
            pendingStart.append(now)
            return
        }
        appendBytes("get memtier-")
        appendNumber(key)
        appendBytes("\r\n")
        pendingIsGet.append(true)
        pendingStart.append(now)
    }

    /// The 24-byte request header; the body (extras, key, value) follows.
    private func appendBinaryRequest(opcode: UInt8, key: UInt64, extrasLength: Int, valueLength: Int) {
        let keyLength = "memtier-".utf8.count + decimalDigits(key)
        let bodyLength = extrasLength + keyLength + valueLength
        output.append(0x80)
        output.append(opcode)
        appendBigEndian(UInt64(keyLength), bytes: 2)
        output.append(UInt8(extrasLength))
        output.append(0)  // data type
        appendBigEndian(0, bytes: 2)  // vbucket
        appendBigEndian(UInt64(bodyLength), bytes: 4)
        appendBigEndian(0, bytes: 4)  // opaque
        appendBigEndian(0, bytes: 8)  // cas
    }

    private func appendKey(_ key: UInt64) {
        appendBytes("memtier-")
        appendNumber(key)
    }

    private func appendBigEndian(_ value: UInt64, bytes: Int) {
        for shift in stride(from: (bytes - 1) * 8, through: 0, by: -8) {
            output.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    private func decimalDigits(_ number: UInt64) -> Int {
        var digits = 1
        var rest = number
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return digits
    }

    private func appendBytes(_ text: StaticString) {
        text.withUTF8Buffer { output.append(contentsOf: $0) }
    }

    private func appendNumber(_ number: UInt64) {
        var divisor: UInt64 = 1
        while number / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            output.append(UInt8(ascii: "0") + UInt8(number / divisor % 10))
            divisor /= 10
        }
    }

    /// Writes as much pending output as the socket takes. Returns false when the connection failed.
    func flush() -> Bool {
        while outputSent < output.count {
            let sent = output.withUnsafeBytes { buffer in
                send(fd, buffer.baseAddress! + outputSent, buffer.count - outputSent, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                outputSent += sent
            } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return true
            } else {
                return false
            }
        }
        output.removeAll(keepingCapacity: true)
        outputSent = 0
        return true
    }

    /// Reads what the socket has into the input buffer. Returns false on EOF or error.
    func fill(scratch: UnsafeMutableRawBufferPointer) -> Bool {
        while true {
            let got = recv(fd, scratch.baseAddress!, scratch.count, 0)
            if got > 0 {
                input.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<got]))
                if got < scratch.count { return true }
            } else if got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return true
            } else {
                return false
            }
        }
    }

    /// Parses complete replies from the input buffer, calling `handle` with each reply and its request's send time.
    func parseReplies(_ handle: (Reply, UInt64) -> Void) {
        if wire == .binary {
            parseBinaryReplies(handle)
        } else {
            parseTextReplies(handle)
        }
        if inputParsed > 0 && (inputParsed == input.count || inputParsed > 256 * 1024) {
            input.removeFirst(inputParsed)
            inputParsed = 0
        }
        if pendingHead == pendingIsGet.count {
            pendingIsGet.removeAll(keepingCapacity: true)
            pendingStart.removeAll(keepingCapacity: true)
            pendingHead = 0
        }
    }

    /// Binary responses: magic 0x81, the request's opcode, status 0 (a GET hit has 4 bytes of flags as
    /// extras and the value) or, for a GET only, 1 (key not found).
    private func parseBinaryReplies(_ handle: (Reply, UInt64) -> Void) {
        while pendingHead < pendingIsGet.count, input.count - inputParsed >= 24 {
            let header = inputParsed
            let bodyLength =
                Int(input[header + 8]) << 24 | Int(input[header + 9]) << 16 | Int(input[header + 10]) << 8
                | Int(input[header + 11])
            guard input.count - header >= 24 + bodyLength else { break }
            let isGet = pendingIsGet[pendingHead]
            let start = pendingStart[pendingHead]
            let status = Int(input[header + 6]) << 8 | Int(input[header + 7])
            var reply = Reply.error
            if input[header] == 0x81 && input[header + 1] == (isGet ? 0x00 : 0x01) {
                let keyLength = Int(input[header + 2]) << 8 | Int(input[header + 3])
                if isGet && status == 0 && input[header + 4] == 4 && keyLength == 0 && bodyLength >= 4 {
                    reply = .hit
                } else if isGet && status == 1 {
                    reply = .miss
                } else if !isGet && status == 0 && bodyLength == 0 {
                    reply = .stored
                }
            }
            finish(consumed: 24 + bodyLength)
            handle(reply, start)
        }
    }

    private func parseTextReplies(_ handle: (Reply, UInt64) -> Void) {
        while pendingHead < pendingIsGet.count {
            guard let lineEnd = findLineEnd(from: inputParsed) else { break }
            let isGet = pendingIsGet[pendingHead]
            let start = pendingStart[pendingHead]
            let lineLength = lineEnd - inputParsed
            var reply = Reply.error
            var consumed = lineLength + 2
            if isGet {
                if lineMatches("END", length: lineLength) {
                    reply = .miss
                } else if lineLength > 6 && lineHasPrefix("VALUE ") {
                    guard let bytes = lastNumber(lineStart: inputParsed, lineEnd: lineEnd) else {
                        reply = .error
                        finish(consumed: consumed)
                        handle(reply, start)
                        continue
                    }
                    let total = lineLength + 2 + bytes + 2 + 5
                    if input.count - inputParsed < total { break }
                    let endAt = inputParsed + lineLength + 2 + bytes + 2
                    let endOK =
                        input[endAt] == UInt8(ascii: "E") && input[endAt + 1] == UInt8(ascii: "N")
                        && input[endAt + 2] == UInt8(ascii: "D") && input[endAt + 3] == 13
                        && input[endAt + 4] == 10
                    reply = endOK ? .hit : .error
                    consumed = total
                }
            } else if lineMatches("STORED", length: lineLength) {
                reply = .stored
            }
            finish(consumed: consumed)
            handle(reply, start)
        }
    }

    private func finish(consumed: Int) {
        inputParsed += consumed
        pendingHead += 1
    }

    private func findLineEnd(from start: Int) -> Int? {
        var index = start
        while index + 1 < input.count {
            if input[index] == 13 && input[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }

    private func lineMatches(_ word: StaticString, length: Int) -> Bool {
        word.utf8CodeUnitCount == length && lineHasPrefix(word)
    }

    private func lineHasPrefix(_ word: StaticString) -> Bool {
        word.withUTF8Buffer { prefix in
            guard input.count - inputParsed >= prefix.count else { return false }
            for index in 0..<prefix.count where input[inputParsed + index] != prefix[index] {
                return false
            }
            return true
        }
    }

    /// The last space-separated field of a `VALUE key flags bytes [cas]` line is the byte count (no cas here).
    private func lastNumber(lineStart: Int, lineEnd: Int) -> Int? {
        var index = lineEnd - 1
        var value = 0
        var scale = 1
        while index > lineStart && input[index] != UInt8(ascii: " ") {
            let byte = input[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value += Int(byte - UInt8(ascii: "0")) * scale
            scale *= 10
            index -= 1
        }
        return scale > 1 ? value : nil
    }
}
