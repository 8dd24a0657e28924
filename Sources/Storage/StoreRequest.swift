/// One storage command as a shard applies it; the item of a set/add/replace/cas is built before locking.
struct StoreRequest {
    let operation: StoreOperation
    let key: UnsafeRawBufferPointer
    let hash: UInt64
    let value: UnsafeRawBufferPointer
    let casUnique: UInt64
    /// The finished item (flags, expiry, size class, data) for every operation but append/prepend, which
    /// build theirs from the existing item under the lock.
    let prebuiltItem: ItemPointer?
}
