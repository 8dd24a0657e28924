extension Cache {
    /// Whether `key` holds a live item, without touching it (no LRU bump, not marked fetched): a warming node
    /// asks this before deciding to read a miss through from its peer. An expired or flushed item is removed, as
    /// a get would.
    public func hasLiveItem(key: UnsafeRawBufferPointer) -> Bool {
        let hash = KeyHash.hash(key)
        let context = makeContext()
        return shards.withLocked(shardIndex(hash)) { shard in
            guard let item = shard.findLive(key, hash: hash, context: context) else { return false }
            return !item.isTombstone
        }
    }

    /// Calls `body` with the state of `key`'s live item (nil when there is none), under its shard lock, without
    /// touching it: how a node answers its warming peer's read-through. `body` must not call back into the cache.
    public func withLiveState<R>(key: UnsafeRawBufferPointer, _ body: (ItemState?) -> R) -> R {
        let hash = KeyHash.hash(key)
        let context = makeContext()
        return shards.withLocked(shardIndex(hash)) { shard in
            guard let item = shard.findLive(key, hash: hash, context: context), !item.isTombstone else {
                return body(nil)
            }
            return body(item.state())
        }
    }
}
