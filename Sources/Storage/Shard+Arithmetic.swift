extension Shard {
    /// incr/decr as memcached 1.6: a result that fits is written in place, padded with spaces to the old
    /// length; a longer one gets a new item. Either way the item gets a new CAS unique.
    mutating func applyDelta(
        key: UnsafeRawBufferPointer, hash: UInt64, delta: UInt64, increment: Bool, context: OperationContext,
        changed: (ItemState) -> Void
    ) -> ShardAttempt<ArithmeticResult> {
        guard let item = findLive(key, hash: hash, context: context) else { return .finished(.notFound) }
        guard item.pointee.valueLength > 0, let current = DecimalText.parseItemNumber(item.valueWithTerminator)
        else {
            return .finished(.nonNumeric)
        }
        let result = increment ? current &+ delta : (delta > current ? 0 : current - delta)
        let digits = DecimalText.digitCount(result)
        let oldLength = Int(item.pointee.valueLength)
        if digits <= oldLength {
            let data = item.valueStart
            DecimalText.write(result, to: data)
            (data + digits).initializeMemory(as: UInt8.self, repeating: 32, count: oldLength - digits)
            item.pointee.casUnique = context.uniques.next()
            item.pointee.version = context.nextVersion()
            bump(item, now: context.now)
            changed(item.state())
            return .finished(.value(result))
        }

        let grown = ItemBlock.allocate(
            key: item.key, hash: item.pointee.hash, flags: item.pointee.flags, valueLength: digits)
        DecimalText.write(result, to: grown.valueStart)
        grown.pointee.expiresAt = item.pointee.expiresAt
        grown.sizeClass = context.sizeClasses.classID(forSize: grown.requestedSize)
        let growth = grown.totalSize - item.totalSize
        if !reserve(growth, protecting: item, context: context) {
            grown.deallocateItem()
            return .needsMemory(growth)
        }
        grown.pointee.lastAccess = context.now
        grown.pointee.casUnique = context.uniques.next()
        grown.pointee.version = context.nextVersion()
        replace(item, with: grown)
        changed(grown.state())
        return .finished(.value(result))
    }
}
