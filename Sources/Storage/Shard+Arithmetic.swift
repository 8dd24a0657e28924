extension Shard {
    /// incr/decr as memcached 1.6: a result that fits is written in place, padded with spaces to the old
    /// length; a longer one gets a new item. Either way the item gets a new CAS unique. With `options`: a CAS
    /// check, a new item holding the initial value for a missing key, a new expiry.
    mutating func applyDelta(
        key: UnsafeRawBufferPointer, hash: UInt64, delta: UInt64, increment: Bool, options: ArithmeticOptions,
        context: OperationContext, changed: (ItemState) -> Void
    ) -> ShardAttempt<CounterResult> {
        let (found, tombstone) = findForWrite(key, hash: hash, context: context)
        guard let item = found else {
            guard let initialValue = options.initialValue else { return .finished(.notFound) }
            return createCounter(
                key: key, hash: hash, value: initialValue, exptime: options.initialExptime, replacing: tombstone,
                context: context, changed: changed)
        }
        // memcached checks for an empty value before the CAS, and parses the number after it.
        guard item.pointee.valueLength > 0 else { return .finished(.nonNumeric) }
        if options.casUnique != 0 && item.pointee.casUnique != options.casUnique { return .finished(.exists) }
        guard let current = DecimalText.parseItemNumber(item.valueWithTerminator) else {
            return .finished(.nonNumeric)
        }
        let result = increment ? current &+ delta : (delta > current ? 0 : current - delta)
        let expiresAt = options.touchExptime.map { ItemLiveness.expiresAt(exptime: $0, now: context.now) }
        if Self.overwriteNumber(in: item, with: result) {
            item.pointee.casUnique = context.uniques.next()
            item.pointee.version = context.nextVersion()
            if let expiresAt { item.pointee.expiresAt = expiresAt }
            bump(item, now: context.now)
            changed(item.state())
            return .finished(
                .value(result, casUnique: item.pointee.casUnique, expiresAt: item.pointee.expiresAt, created: false))
        }

        let grown = numberItem(
            key: item.key, flags: item.pointee.flags, number: result, expiresAt: expiresAt ?? item.pointee.expiresAt,
            context: context)
        if let missing = install(grown, over: item, tombstone: nil, hash: hash, context: context) {
            grown.deallocateItem(from: arena)
            return .needsMemory(missing)
        }
        changed(grown.state())
        return .finished(
            .value(result, casUnique: grown.pointee.casUnique, expiresAt: grown.pointee.expiresAt, created: false))
    }

    /// The item of an incr/decr on a missing key: the initial value as decimal text, flags 0.
    private mutating func createCounter(
        key: UnsafeRawBufferPointer, hash: UInt64, value: UInt64, exptime: Int64, replacing tombstone: ItemPointer?,
        context: OperationContext, changed: (ItemState) -> Void
    ) -> ShardAttempt<CounterResult> {
        let item = numberItem(
            key: key, flags: 0, number: value, expiresAt: ItemLiveness.expiresAt(exptime: exptime, now: context.now),
            context: context)
        if let missing = install(item, over: nil, tombstone: tombstone, hash: hash, context: context) {
            item.deallocateItem(from: arena)
            return .needsMemory(missing)
        }
        changed(item.state())
        return .finished(
            .value(value, casUnique: item.pointee.casUnique, expiresAt: item.pointee.expiresAt, created: true))
    }

    /// A new, unlinked item holding `number` as decimal text (no data when nil).
    func numberItem(
        key: UnsafeRawBufferPointer, flags: UInt32, number: UInt64?, expiresAt: Int64, context: OperationContext
    ) -> ItemPointer {
        let item = ItemBlock.allocate(
            key: key, flags: flags, valueLength: number.map { DecimalText.digitCount($0) } ?? 0, in: arena)
        if let number { DecimalText.write(number, to: item.valueStart) }
        item.pointee.expiresAt = expiresAt
        item.sizeClass = context.sizeClasses.classID(forSize: item.requestedSize)
        return item
    }

    /// memcached writes an incr/decr result that fits in place, padded with spaces to the old length; false when
    /// it needs a longer item.
    static func overwriteNumber(in item: ItemPointer, with number: UInt64) -> Bool {
        let digits = DecimalText.digitCount(number)
        let length = Int(item.pointee.valueLength)
        guard digits <= length else { return false }
        let data = item.valueStart
        DecimalText.write(number, to: data)
        (data + digits).initializeMemory(as: UInt8.self, repeating: 32, count: length - digits)
        return true
    }
}
