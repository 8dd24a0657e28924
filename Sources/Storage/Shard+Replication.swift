extension Shard {
    /// Applies a replicated item or tombstone (`entry`, built by the caller) if its version is above that of
    /// whatever the key holds: a live, expired or flushed item, or a tombstone. Once applied the shard owns
    /// `entry`; `.finished(false)` leaves the key alone and `entry` with the caller.
    mutating func applyEntry(
        _ entry: ItemPointer, key: UnsafeRawBufferPointer, hash: UInt64, context: OperationContext
    ) -> ShardAttempt<Bool> {
        let existing = index.find(key, hash: hash)
        if let existing, !(existing.pointee.version < entry.pointee.version) { return .finished(false) }
        let growth = entry.totalSize - (existing?.totalSize ?? 0)
        if growth > 0 && !reserve(growth, protecting: existing, context: context) { return .needsMemory(growth) }
        // `reserve` never frees `existing`, so its bytes pass to the new entry.
        if let existing { detach(existing, hash: hash, context: context) }
        entry.pointee.lastAccess = context.now
        if entry.isTombstone {
            index.insert(entry, hash: hash)
            tombstones.pushFront(entry)
            tombstoneCount += 1
            context.accountant.noteTombstoneBytes(entry.totalSize)
        } else {
            entry.pointee.casUnique = context.uniques.next()
            link(entry, hash: hash)
        }
        if growth < 0 { context.accountant.release(-growth) }
        return .finished(true)
    }

    /// Unlinks and frees an item or tombstone without releasing its bytes: the caller hands them on.
    private mutating func detach(_ entry: ItemPointer, hash: UInt64, context: OperationContext) {
        index.remove(entry, hash: hash)
        if entry.isTombstone {
            tombstones.remove(entry)
            tombstoneCount -= 1
            context.accountant.noteTombstoneBytes(-entry.totalSize)
        } else {
            lru.remove(entry)
            count(entry, sign: -1)
        }
        entry.deallocateItem(from: arena)
    }
}
