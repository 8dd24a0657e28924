/// The meta protocol's operations (`mg ms md ma me`). Each takes its shard lock once; writes report their
/// resulting state to `changed` like the classic commands, so they replicate the same way.
extension Cache {
    /// `mg`: calls `body` with the live item, or with a new empty one when `vivify` and the key is missing
    /// (`N`), before the LRU bump so it sees the access state the command found. `body` returns false to skip the
    /// bump (the reply failed). An expiry changed through the view, or a created item, gets a new version and is
    /// reported to `changed`. Returns false on a miss.
    public func metaGet(
        key: UnsafeRawBufferPointer, vivify: Bool, bump: Bool, _ body: (inout MetaItem) -> Bool,
        changed: (ItemState) -> Void
    ) -> Bool {
        let hash = KeyHash.hash(key)
        let context = makeWriteContext()
        return shards.withLocked(shardIndex(hash)) { shard in
            var created = false
            var found: ItemPointer?
            if vivify {
                let (item, tombstone) = shard.findForWrite(key, hash: hash, context: context)
                found = item
                if found == nil {
                    found = shard.createItem(key: key, hash: hash, number: nil, tombstone: tombstone, context: context)
                    created = found != nil
                }
            } else {
                found = shard.findLive(key, hash: hash, context: context)
            }
            guard let item = found else { return false }
            var view = MetaItem(pointer: item, now: context.now, created: created)
            let replied = body(&view)
            if replied && bump {
                shard.bump(item, now: context.now)
                item.fetched = true
            }
            if created || view.expiryChanged {
                item.pointee.version = context.nextVersion()
                changed(item.state())
            }
            return true
        }
    }

    /// `me`: the live item as it is, without bumping it. Returns false on a miss.
    public func metaInspect(key: UnsafeRawBufferPointer, _ body: (MetaItem) -> Void) -> Bool {
        let hash = KeyHash.hash(key)
        let context = makeContext()
        return shards.withLocked(shardIndex(hash)) { shard in
            guard let item = shard.findLive(key, hash: hash, context: context) else { return false }
            body(MetaItem(pointer: item, now: context.now, created: false))
            return true
        }
    }

    /// `ms`: `operation` is `.cas` when a compare CAS was given to set or replace; `compareCas` (0: none) is also
    /// checked by append/prepend; `allowStale` (`I`) lets an older CAS store a stale item. `binaryKey` marks a key
    /// sent in base64 so `k` echoes it so.
    public func metaStore(
        _ operation: StoreOperation, key: UnsafeRawBufferPointer, flags: UInt32, exptime: Int64,
        value: UnsafeRawBufferPointer, compareCas: UInt64, allowStale: Bool, binaryKey: Bool,
        changed: (ItemState) -> Void
    ) -> StoreResult {
        storeItem(operation, key: key, flags: flags, exptime: exptime, value: value, binaryKey: binaryKey) {
            shard, hash, prebuiltItem, context in
            let request = MetaStoreRequest(
                operation: operation, key: key, hash: hash, value: value, compareCas: compareCas,
                allowStale: allowStale, prebuiltItem: prebuiltItem)
            return shard.metaStore(request, context: context, changed: changed)
        }
    }

    /// `md`: `compareCas` nil when `C` was not given (`C0` never matches); with `invalidate` the item is marked
    /// stale with a new CAS and, given `exptime` (raw), a new expiry, instead of being deleted.
    public func metaDelete(
        key: UnsafeRawBufferPointer, compareCas: UInt64?, invalidate: Bool, exptime: Int64?,
        changed: (ItemState) -> Void
    ) -> MetaDeleteResult {
        let hash = KeyHash.hash(key)
        let context = makeWriteContext()
        let expiresAt = exptime.map { ItemLiveness.expiresAt(exptime: $0, now: context.now) }
        return shards.withLocked(shardIndex(hash)) { shard in
            shard.metaDelete(
                key: key, hash: hash, compareCas: compareCas, invalidate: invalidate, expiresAt: expiresAt,
                context: context, changed: changed)
        }
    }

    /// `ma`: incr/decr refused with `.exists` when `compareCas` (0: none) differs; with `vivify` a miss creates
    /// the item holding `initial`. On `.applied`, `body` has seen the item and the resulting number, under the
    /// shard lock, and may have changed its expiry (`T`, `N`).
    public func metaArithmetic(
        key: UnsafeRawBufferPointer, delta: UInt64, increment: Bool, compareCas: UInt64, vivify: Bool,
        initial: UInt64, _ body: (inout MetaItem, UInt64) -> Void, changed: (ItemState) -> Void
    ) -> MetaArithmeticResult {
        let hash = KeyHash.hash(key)
        let applied = withRoom(in: shardIndex(hash), context: makeWriteContext(), freshContext: makeWriteContext) {
            shard, context in
            shard.metaApplyDelta(
                key: key, hash: hash, delta: delta, increment: increment, compareCas: compareCas, vivify: vivify,
                initial: initial, context: context, body: body, changed: changed)
        }
        return applied ?? .outOfMemory
    }
}
