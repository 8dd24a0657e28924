extension Cache {
    /// delete, only if the item's unique is `casUnique` (0: unconditionally). On `.deleted` a tombstone took the
    /// item's place and `changed` has seen it.
    public func delete(
        key: UnsafeRawBufferPointer, casUnique: UInt64, changed: (ItemState) -> Void = { _ in }
    ) -> DeleteResult {
        let hash = KeyHash.hash(key)
        let context = makeWriteContext()
        return shards.withLocked(shardIndex(hash)) { shard in
            guard let item = shard.findLive(key, hash: hash, context: context) else { return .notFound }
            if casUnique != 0 && item.pointee.casUnique != casUnique { return .exists }
            shard.bury(item, hash: hash, context: context, changed: changed)
            return .deleted
        }
    }

    /// incr/decr with a CAS check, an initial value for a missing key and an expiry update (see
    /// `ArithmeticOptions`). Arithmetic itself is `arithmetic(key:delta:increment:changed:)`'s; every change,
    /// including a created item, gets a new CAS unique and version and is reported to `changed`.
    public func arithmetic(
        key: UnsafeRawBufferPointer, delta: UInt64, increment: Bool, options: ArithmeticOptions,
        changed: (ItemState) -> Void = { _ in }
    ) -> CounterResult {
        guard key.count <= Self.maximumKeyLength else { return .notFound }
        let hash = KeyHash.hash(key)
        let applied = withRoom(in: shardIndex(hash), context: makeWriteContext(), freshContext: makeWriteContext) {
            shard, context in
            shard.applyDelta(
                key: key, hash: hash, delta: delta, increment: increment, options: options, context: context,
                changed: changed)
        }
        return applied ?? .outOfMemory
    }
}
