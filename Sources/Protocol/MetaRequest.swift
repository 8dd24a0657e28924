/// A decoded meta command. Like every `Command`, it points into the parsed buffer and allocates nothing.
///
/// It keeps only ranges, so a `Command` is no larger than before meta commands existed: the parser has
/// validated the flag tokens, and the executor reads their values with `flags(in:)`. Replies echo some flags in
/// request order (`O`, `k`, `c`, `t`...) and `T`/`N`/`R` take effect in that order too, so the executor also walks
/// `flagTokens` with `MetaTokens`.
public struct MetaRequest: Equatable, Sendable {
    /// The key token as sent: base64 text under the `b` flag (decode it with `Base64.decode`).
    public var key: Range<Int>
    /// The tokens after the key (after the data length for `ms`; for `me` only a `b`), up to the end of the line.
    public var flagTokens: Range<Int>
    /// `ms`: the data block without its `\r\n`.
    public var value: Range<Int>
    /// `setTooLarge`: bytes of data block (with its `\r\n`) to discard.
    public var swallow: Int
    public var kind: MetaCommandKind

    public init(
        kind: MetaCommandKind, key: Range<Int> = 0..<0, flagTokens: Range<Int> = 0..<0, value: Range<Int> = 0..<0,
        swallow: Int = 0
    ) {
        self.kind = kind
        self.key = key
        self.flagTokens = flagTokens
        self.value = value
        self.swallow = swallow
    }

    /// The flags, decoded from `flagTokens` in the buffer the request was parsed from.
    public func flags(in bytes: UnsafeRawBufferPointer) -> MetaFlags {
        guard let base = bytes.baseAddress, !flagTokens.isEmpty else { return MetaFlags() }
        return MetaFlagParser.parse(base, flagTokens, key: key).0
    }
}
