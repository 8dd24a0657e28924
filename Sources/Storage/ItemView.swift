/// A live item as seen under its shard lock.
///
/// Every buffer points into the item's block and is valid only inside the closure that receives the view.
public struct ItemView {
    public var key: UnsafeRawBufferPointer
    /// The data without the trailing `\r\n`.
    public var value: UnsafeRawBufferPointer
    public var flags: UInt32
    public var casUnique: UInt64
    /// Unix seconds; 0 means never.
    public var expiresAt: Int64
    /// Unix seconds.
    public var lastAccess: Int64
    /// Read at least once since stored; in `withItem` this includes the read that produced the view.
    public var fetched: Bool
    /// Bytes accounted for this item: its block, a 64-byte header followed by the `get` reply's text.
    public var totalSize: Int
    /// memcached-like slab class id, for `stats items` / `stats slabs`.
    public var sizeClass: Int
    /// A `get` hit's reply after its `VALUE `: `<key> <flags> <bytes>\r\n<data>\r\n`. The six constant bytes are
    /// not stored, since for small items every byte of the block counts.
    public var valueLine: UnsafeRawBufferPointer
    /// `<key> <flags> <bytes>` without CRLF; `gets` appends ` <cas>\r\n` and then `valueWithTerminator`.
    public var valueLineHeader: UnsafeRawBufferPointer
    /// The data followed by `\r\n`.
    public var valueWithTerminator: UnsafeRawBufferPointer
}

extension ItemView {
    /// memcached's own size of this item (`ntotal`), which `lru_crawler metadump` reports.
    public var memcachedSize: Int {
        ItemBlock.memcachedItemSize(keyLength: key.count, flags: flags, valueLength: value.count)
    }
}
