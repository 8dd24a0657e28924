import Storage

/// A decoded tombstone record; `key` indexes the buffer it was decoded from.
public struct TombstoneFrame: Equatable, Sendable {
    public var version: Version
    public var key: Range<Int>

    public init(version: Version, key: Range<Int>) {
        self.version = version
        self.key = key
    }
}
