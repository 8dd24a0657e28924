import Storage

/// A decoded item record; `key` and `value` index the buffer it was decoded from.
public struct ItemFrame: Equatable, Sendable {
    public var flags: UInt32
    /// Absolute expiry in unix seconds; 0 means never.
    public var expiresAt: Int64
    public var version: Version
    public var key: Range<Int>
    public var value: Range<Int>

    public init(flags: UInt32, expiresAt: Int64, version: Version, key: Range<Int>, value: Range<Int>) {
        self.flags = flags
        self.expiresAt = expiresAt
        self.version = version
        self.key = key
        self.value = value
    }
}
