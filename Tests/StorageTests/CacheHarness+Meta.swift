import Storage

/// String-based wrappers over the meta operations.
extension CacheHarness {
    /// `mg`: what the body saw (nil on a miss); `visit` may act on the item (e.g. `T`, `W`).
    func metaGet(
        _ key: String, vivify: Bool = false, bump: Bool = true, visit: (inout MetaItem) -> Void = { _ in },
        changed: (ItemState) -> Void = { _ in }
    ) -> MetaSnapshot? {
        var snapshot: MetaSnapshot?
        _ = Array(key.utf8).withUnsafeBytes { keyBytes in
            cache.metaGet(
                key: keyBytes, vivify: vivify, bump: bump,
                { item in
                    snapshot = MetaSnapshot(item)
                    visit(&item)
                    return true
                }, changed: changed)
        }
        return snapshot
    }

    func metaStore(
        _ operation: StoreOperation, _ key: String, _ value: String, exptime: Int64 = 0, compareCas: UInt64 = 0,
        allowStale: Bool = false, changed: (ItemState) -> Void = { _ in }
    ) -> StoreResult {
        Array(key.utf8).withUnsafeBytes { keyBytes in
            Array(value.utf8).withUnsafeBytes { valueBytes in
                cache.metaStore(
                    operation, key: keyBytes, flags: 0, exptime: exptime, value: valueBytes, compareCas: compareCas,
                    allowStale: allowStale, binaryKey: false, changed: changed)
            }
        }
    }

    func metaDelete(
        _ key: String, compareCas: UInt64? = nil, invalidate: Bool = false, exptime: Int64? = nil,
        changed: (ItemState) -> Void = { _ in }
    ) -> MetaDeleteResult {
        Array(key.utf8).withUnsafeBytes {
            cache.metaDelete(
                key: $0, compareCas: compareCas, invalidate: invalidate, exptime: exptime, changed: changed)
        }
    }

    /// `ma`: the result and the number the body saw.
    func metaArithmetic(
        _ key: String, delta: UInt64 = 1, increment: Bool = true, compareCas: UInt64 = 0, vivify: Bool = false,
        initial: UInt64 = 0, visit: (inout MetaItem) -> Void = { _ in }, changed: (ItemState) -> Void = { _ in }
    ) -> (MetaArithmeticResult, UInt64?) {
        var seen: UInt64?
        let result = Array(key.utf8).withUnsafeBytes { keyBytes in
            cache.metaArithmetic(
                key: keyBytes, delta: delta, increment: increment, compareCas: compareCas, vivify: vivify,
                initial: initial,
                { item, number in
                    seen = number
                    visit(&item)
                }, changed: changed)
        }
        return (result, seen)
    }
}

/// What a meta command saw of an item, copied out of the shard lock.
struct MetaSnapshot {
    let value: String
    let casUnique: UInt64
    let created: Bool
    let fetchedBefore: Bool
    let isStale: Bool
    let tokenSent: Bool
    let remainingSeconds: Int64

    init(_ item: MetaItem) {
        value = String(decoding: item.value, as: UTF8.self)
        casUnique = item.casUnique
        created = item.created
        fetchedBefore = item.fetchedBefore
        isStale = item.isStale
        tokenSent = item.tokenSent
        remainingSeconds = item.remainingSeconds
    }
}
