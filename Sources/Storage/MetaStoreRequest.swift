/// One `ms` as a shard applies it: a storage command with memcached's meta extras.
struct MetaStoreRequest {
    /// `.cas` when `C` was given to set or replace (even `C0`, which never matches).
    let operation: StoreOperation
    let key: UnsafeRawBufferPointer
    let hash: UInt64
    let value: UnsafeRawBufferPointer
    /// `C`, 0 when absent: compared by `.cas` and by append/prepend; add ignores it.
    let compareCas: UInt64
    /// `I`: a `.cas` with a unique older than the item's still stores, marked stale.
    let allowStale: Bool
    /// The finished item for every operation but append/prepend.
    let prebuiltItem: ItemPointer?
}
