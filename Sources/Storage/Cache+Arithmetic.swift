extension Cache {
    /// incr/decr: decimal values only, incr wraps at 2^64, decr stops at 0; flags and expiry are kept and the
    /// item gets a new CAS unique and version; `changed` sees the resulting value.
    public func arithmetic(
        key: UnsafeRawBufferPointer, delta: UInt64, increment: Bool, changed: (ItemState) -> Void = { _ in }
    ) -> ArithmeticResult {
        let hash = KeyHash.hash(key)
        let home = shardIndex(hash)
        var round = 0
        while true {
            let context = makeWriteContext()
            var attempt = ShardAttempt<ArithmeticResult>.finished(.notFound)
            shards.withLocked(home) { shard in
                attempt = shard.applyDelta(
                    key: key, hash: hash, delta: delta, increment: increment, context: context, changed: changed)
            }
            switch attempt {
            case .finished(let result):
                return result
            case .needsMemory(let bytes):
                round += 1
                if round <= Self.evictionRounds && freeMemory(bytes, outside: home, context: context) { continue }
                return .outOfMemory
            }
        }
    }
}
