/// The meta protocol's writes, with memcached 1.6.18's rules; every one reports its resulting state to
/// `changed` like the classic commands do.
extension Shard {
    /// A new item for `key` holding `digits` of `number` (or no data), flags 0, never expiring, linked in place of
    /// `tombstone` if there is one; nil when this shard cannot free the memory.
    mutating func createItem(
        key: UnsafeRawBufferPointer, hash: UInt64, number: UInt64?, tombstone: ItemPointer?,
        context: OperationContext
    ) -> ItemPointer? {
        let item = numberItem(key: key, flags: 0, number: number, expiresAt: 0, context: context)
        if install(item, over: nil, tombstone: tombstone, hash: hash, context: context) != nil {
            item.deallocateItem(from: arena)
            return nil
        }
        return item
    }

    /// `ms`: memcached's `do_store_item` with a CAS compared for every mode, and `I` storing an older CAS as a
    /// stale item that keeps the old expiry and win marker.
    mutating func metaStore(
        _ request: MetaStoreRequest, context: OperationContext, changed: (ItemState) -> Void
    ) -> ShardAttempt<StoreResult> {
        let (existing, tombstone) = findForWrite(request.key, hash: request.hash, context: context)
        var staleFrom: ItemPointer?
        if let existing {
            let current = existing.pointee.casUnique
            switch request.operation {
            case .add:
                bump(existing, now: context.now)
                return .finished(.notStored)
            case .cas:
                if request.compareCas == 0 || request.compareCas > current
                    || (request.compareCas < current && !request.allowStale)
                {
                    return .finished(.exists)
                }
                if request.compareCas < current { staleFrom = existing }
            case .append, .prepend:
                if request.compareCas != 0 && request.compareCas != current { return .finished(.exists) }
            case .set, .replace:
                break
            }
        } else {
            switch request.operation {
            case .add, .set: break
            case .cas: return .finished(.notFound)
            case .replace, .append, .prepend: return .finished(.notStored)
            }
        }

        let item: ItemPointer
        if let prebuilt = request.prebuiltItem {
            item = prebuilt
        } else {
            let joined = StoreRequest(
                operation: request.operation, key: request.key, hash: request.hash, value: request.value,
                casUnique: 0, prebuiltItem: nil)
            guard let combined = concatenate(existing.unsafelyUnwrapped, joined, context: context) else {
                return .finished(.notStored)
            }
            item = combined
        }
        if let staleFrom {
            item.pointee.expiresAt = staleFrom.pointee.expiresAt
            item.setMetaBit(ItemHeader.staleBit, true)
            item.setMetaBit(ItemHeader.tokenSentBit, staleFrom.hasMetaBit(ItemHeader.tokenSentBit))
        }
        if let missing = install(item, over: existing, tombstone: tombstone, hash: request.hash, context: context) {
            if request.prebuiltItem == nil { item.deallocateItem(from: arena) }
            return .needsMemory(missing)
        }
        changed(item.state())
        return .finished(.stored(casUnique: item.pointee.casUnique))
    }

    /// `md`: with `I` the item stays, marked stale with a new CAS (and expiry with `T`) so the next `mg` wins
    /// the recache; otherwise it is deleted.
    mutating func metaDelete(
        key: UnsafeRawBufferPointer, hash: UInt64, compareCas: UInt64?, invalidate: Bool, expiresAt: Int64?,
        context: OperationContext, changed: (ItemState) -> Void
    ) -> MetaDeleteResult {
        guard let item = findLive(key, hash: hash, context: context) else { return .notFound }
        if let compareCas, item.pointee.casUnique != compareCas { return .exists }
        guard invalidate else {
            bury(item, hash: hash, context: context, changed: changed)
            return .deleted
        }
        if let expiresAt { item.pointee.expiresAt = expiresAt }
        item.setMetaBit(ItemHeader.staleBit, true)
        item.setMetaBit(ItemHeader.tokenSentBit, false)
        item.pointee.casUnique = context.uniques.next()
        item.pointee.version = context.nextVersion()
        changed(item.state())
        return .deleted
    }

    /// `ma`: incr/decr as `applyDelta`, but refused with `.exists` when `compareCas` (0: none) differs, creating
    /// the item with `initial` on a miss when `vivify`. `body` sees the result (and may change the expiry) before
    /// `changed` sees the state.
    mutating func metaApplyDelta(
        key: UnsafeRawBufferPointer, hash: UInt64, delta: UInt64, increment: Bool, compareCas: UInt64,
        vivify: Bool, initial: UInt64, context: OperationContext, body: (inout MetaItem, UInt64) -> Void,
        changed: (ItemState) -> Void
    ) -> ShardAttempt<MetaArithmeticResult> {
        let (found, tombstone) = findForWrite(key, hash: hash, context: context)
        guard let item = found else {
            guard vivify else { return .finished(.notFound) }
            guard
                let created = createItem(
                    key: key, hash: hash, number: initial, tombstone: tombstone, context: context)
            else { return .finished(.outOfMemoryCreating) }
            var view = MetaItem(pointer: created, now: context.now, created: true)
            body(&view, initial)
            created.pointee.version = context.nextVersion()
            changed(created.state())
            return .finished(.applied(created: true))
        }
        guard item.pointee.valueLength > 0 else { return .finished(.nonNumeric) }
        if compareCas != 0 && item.pointee.casUnique != compareCas { return .finished(.exists) }
        guard let current = DecimalText.parseItemNumber(item.valueWithTerminator) else {
            return .finished(.nonNumeric)
        }
        let result = increment ? current &+ delta : (delta > current ? 0 : current - delta)
        if Self.overwriteNumber(in: item, with: result) {
            item.pointee.casUnique = context.uniques.next()
            bump(item, now: context.now)
            var view = MetaItem(pointer: item, now: context.now, created: false)
            body(&view, result)
            item.pointee.version = context.nextVersion()
            changed(item.state())
            return .finished(.applied(created: false))
        }

        let expiresAt = item.pointee.expiresAt
        let grown = numberItem(
            key: item.key, flags: item.pointee.flags, number: result, expiresAt: expiresAt, context: context)
        if let missing = install(grown, over: item, tombstone: nil, hash: hash, context: context) {
            grown.deallocateItem(from: arena)
            return .needsMemory(missing)
        }
        // memcached answers from the replaced item, so a `T` here changes nothing stored.
        var view = MetaItem(
            pointer: grown, now: context.now, created: false, writesThrough: false, expiresAt: expiresAt)
        body(&view, result)
        changed(grown.state())
        return .finished(.applied(created: false))
    }
}
