/// A decoded meta command. Like every `Command`, it points into the parsed buffer and allocates nothing.
///
/// Replies echo some flags in request order (`O`, `k`, `c`, `t`...), and `T`/`N`/`R` take effect in that
/// order too, so the executor walks `flagTokens` again with `MetaTokens`; `flags` holds what the parser
/// already decoded from them.
public struct MetaRequest: Equatable, Sendable {
    public var kind: MetaCommandKind
    /// The key token as sent: base64 text when `flags.base64` (decode it with `Base64.decode`).
    public var key: Range<Int>
    /// The tokens after the key (after the data length for `ms`), up to the end of the line.
    public var flagTokens: Range<Int>
    public var flags: MetaFlags
    /// `ms`: the data block without its `\r\n`.
    public var value: Range<Int>
    /// `setTooLarge`: bytes of data block (with its `\r\n`) to discard.
    public var swallow: Int

    public init(
        kind: MetaCommandKind, key: Range<Int> = 0..<0, flagTokens: Range<Int> = 0..<0,
        flags: MetaFlags = MetaFlags(), value: Range<Int> = 0..<0, swallow: Int = 0
    ) {
        self.kind = kind
        self.key = key
        self.flagTokens = flagTokens
        self.flags = flags
        self.value = value
        self.swallow = swallow
    }
}
