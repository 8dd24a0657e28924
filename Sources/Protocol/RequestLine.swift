/// One complete command line at the front of the parsed buffer.
struct RequestLine {
    let base: UnsafeRawPointer
    /// Bytes in the parsed buffer, which may already hold a data block or later requests.
    let count: Int
    /// Where the line's content ends: before its `\r\n`, or at a NUL byte.
    let end: Int
    /// The line with its terminator.
    let consumed: Int

    @inline(__always)
    func tokens() -> LineTokens {
        LineTokens(base, from: 0, to: end)
    }

    @inline(__always)
    func accept(_ command: Command) -> ParseOutcome {
        .command(command, consumed: consumed)
    }

    /// Refuses the line; memcached stays silent under `noreply` but does not close or swallow.
    @inline(__always)
    func reject(_ error: ClientError, noreply: Bool = false) -> ParseOutcome {
        .reject(noreply ? nil : error, consumed: consumed, swallow: 0, close: false)
    }
}
