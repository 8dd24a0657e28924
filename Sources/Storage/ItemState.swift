/// The state of one key as replication sends it: a live item or a tombstone, with its version.
///
/// A non-owning view: the buffers point into the cache and are valid only inside the closure that receives it.
public struct ItemState {
    public var key: UnsafeRawBufferPointer
    /// A deleted key; `flags`, `expiresAt` and `value` are then zero and empty.
    public var isTombstone: Bool
    public var flags: UInt32
    /// Absolute unix seconds; 0 means never, a negative value means already expired.
    public var expiresAt: Int64
    /// The data without the trailing `\r\n`.
    public var value: UnsafeRawBufferPointer
    public var version: Version

    public init(
        key: UnsafeRawBufferPointer, isTombstone: Bool, flags: UInt32, expiresAt: Int64,
        value: UnsafeRawBufferPointer, version: Version
    ) {
        self.key = key
        self.isTombstone = isTombstone
        self.flags = flags
        self.expiresAt = expiresAt
        self.value = value
        self.version = version
    }
}
