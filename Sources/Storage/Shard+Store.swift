extension Shard {
    /// Applies a storage command; on success the new item, with a new version, is linked and owned by the shard,
    /// and `changed` has seen it.
    mutating func store(
        _ request: StoreRequest, context: OperationContext, changed: (ItemState) -> Void
    ) -> ShardAttempt<StoreResult> {
        let (existing, tombstone) = findForWrite(request.key, hash: request.hash, context: context)
        switch request.operation {
        case .set:
            break
        case .add:
            if let existing {
                // memcached bumps the item a failed add found; clients rely on it to keep hot keys.
                bump(existing, now: context.now)
                return .finished(.notStored)
            }
        case .replace:
            if existing == nil { return .finished(.notStored) }
        case .append, .prepend:
            guard let existing else { return .finished(.notStored) }
            // The binary protocol's append/prepend may carry a CAS to compare (text ones never do).
            if request.casUnique != 0 && existing.pointee.casUnique != request.casUnique { return .finished(.exists) }
        case .cas:
            guard let existing else { return .finished(.notFound) }
            if existing.pointee.casUnique != request.casUnique { return .finished(.exists) }
        }

        let item: ItemPointer
        if let prebuilt = request.prebuiltItem {
            item = prebuilt
        } else {
            guard let combined = concatenate(existing.unsafelyUnwrapped, request, context: context) else {
                return .finished(.notStored)
            }
            item = combined
        }
        if let missing = install(item, over: existing, tombstone: tombstone, hash: request.hash, context: context) {
            if request.prebuiltItem == nil { item.deallocateItem(from: arena) }
            return .needsMemory(missing)
        }
        changed(item.state())
        return .finished(.stored(casUnique: item.pointee.casUnique))
    }

    /// Links a new `item` in place of `existing` or `tombstone` (whose bytes pass to it), or as a new entry, with a
    /// new CAS unique and version. Returns nil once it is linked, or the bytes this shard could not free for it,
    /// with nothing changed.
    mutating func install(
        _ item: ItemPointer, over existing: ItemPointer?, tombstone: ItemPointer?, hash: UInt64,
        context: OperationContext
    ) -> Int? {
        let replaced = existing ?? tombstone
        let growth = item.totalSize - (replaced?.totalSize ?? 0)
        if growth > 0 && !reserve(growth, protecting: replaced, context: context) { return growth }
        item.pointee.lastAccess = context.now
        item.pointee.casUnique = context.uniques.next()
        item.pointee.version = context.nextVersion()
        if let existing {
            replace(existing, with: item, hash: hash)
        } else if let tombstone {
            replaceTombstone(tombstone, with: item, hash: hash, context: context)
        } else {
            link(item, hash: hash)
        }
        if growth < 0 { context.accountant.release(-growth) }
        return nil
    }

    /// The item of an append/prepend: the existing item's flags and expiry, its data joined with the new data.
    /// Nil when the result would exceed the largest item (memcached answers NOT_STORED).
    func concatenate(_ old: ItemPointer, _ request: StoreRequest, context: OperationContext) -> ItemPointer? {
        let oldLength = Int(old.pointee.valueLength)
        let newLength = oldLength + request.value.count
        let requested = ItemBlock.memcachedItemSize(
            keyLength: Int(old.pointee.keyLength), flags: old.pointee.flags, valueLength: newLength)
        if requested > context.itemSizeMax { return nil }
        let item = ItemBlock.allocate(
            key: old.key, flags: old.pointee.flags, valueLength: newLength, in: arena)
        let data = item.valueStart
        let oldData = UnsafeRawPointer(old.valueStart)
        let added = request.value.baseAddress
        if request.operation == .append {
            data.copyMemory(from: oldData, byteCount: oldLength)
            if let added { (data + oldLength).copyMemory(from: added, byteCount: request.value.count) }
        } else {
            if let added { data.copyMemory(from: added, byteCount: request.value.count) }
            (data + request.value.count).copyMemory(from: oldData, byteCount: oldLength)
        }
        item.pointee.expiresAt = old.pointee.expiresAt
        item.sizeClass = context.sizeClasses.classID(forSize: requested)
        return item
    }
}
