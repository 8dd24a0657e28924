/// Layout of an item's block: an `ItemHeader`, then the `get` reply after its `VALUE `,
/// `<key> <flags> <bytes>\r\n<data>\r\n`.
enum ItemBlock {
    /// memcached 1.6's `ntotal`: 48-byte item header, key and its NUL, 4 bytes of flags when nonzero,
    /// data with `\r\n`, and the 8-byte CAS. Decides `tooLarge` and the size class exactly as memcached does.
    static func memcachedItemSize(keyLength: Int, flags: UInt32, valueLength: Int) -> Int {
        48 + keyLength + 1 + (flags == 0 ? 0 : 4) + valueLength + 2 + 8
    }

    static func headerLength(keyLength: Int, flags: UInt32, valueLength: Int) -> Int {
        keyLength + 1 + DecimalText.digitCount(UInt64(flags)) + 1
            + DecimalText.digitCount(UInt64(valueLength))
    }

    /// `allocate(key:flags:valueLength:in:)` with `value` copied in as the data.
    static func allocate(
        key: UnsafeRawBufferPointer, flags: UInt32, value: UnsafeRawBufferPointer, in arena: ItemArena
    ) -> ItemPointer {
        let item = allocate(key: key, flags: flags, valueLength: value.count, in: arena)
        if let source = value.baseAddress {
            item.valueStart.copyMemory(from: source, byteCount: value.count)
        }
        return item
    }

    /// Allocates an item block from `arena`, fills its header and everything of its reply but the data (which the
    /// caller writes at `valueStart`). Links, CAS and times start at zero, expiry at never.
    static func allocate(
        key: UnsafeRawBufferPointer, flags: UInt32, valueLength: Int, in arena: ItemArena
    ) -> ItemPointer {
        let headerLength = headerLength(keyLength: key.count, flags: flags, valueLength: valueLength)
        let raw = arena.allocate(byteCount: MemoryLayout<ItemHeader>.stride + headerLength + valueLength + 4)
        let item = raw.bindMemory(to: ItemHeader.self, capacity: 1)
        item.initialize(
            to: ItemHeader(
                flags: flags, valueLength: valueLength, replyHeaderLength: headerLength, keyLength: key.count))
        let reply = item.reply
        if key.count > 0 {
            reply.copyMemory(from: key.baseAddress!, byteCount: key.count)
        }
        var position = key.count
        reply.storeBytes(of: 32, toByteOffset: position, as: UInt8.self)
        position += 1
        position += DecimalText.write(UInt64(flags), to: reply + position)
        reply.storeBytes(of: 32, toByteOffset: position, as: UInt8.self)
        position += 1
        position += DecimalText.write(UInt64(valueLength), to: reply + position)
        writeTerminator(at: reply + position)
        writeTerminator(at: reply + headerLength + 2 + valueLength)
        return item
    }

    /// A tombstone block for `key`: see `ItemHeader`.
    static func allocateTombstone(
        key: UnsafeRawBufferPointer, version: Version, deletedAt: Int64, in arena: ItemArena
    ) -> ItemPointer {
        let tombstone = allocate(key: key, flags: 0, valueLength: 0, in: arena)
        tombstone.pointee.expiresAt = ItemLiveness.tombstoneExpiry
        tombstone.pointee.lastAccess = deletedAt
        tombstone.pointee.version = version
        return tombstone
    }

    /// Compares an item's key with `key` in place, 8 bytes at a time; the caller has checked that the lengths
    /// match.
    @inline(__always)
    static func keysEqual(_ item: ItemPointer, _ key: UnsafeRawBufferPointer) -> Bool {
        guard let other = key.baseAddress else { return true }
        let stored = UnsafeRawPointer(item.reply)
        let count = key.count
        if count < 8 {
            for offset in 0..<count
            where stored.load(fromByteOffset: offset, as: UInt8.self)
                != other.load(fromByteOffset: offset, as: UInt8.self)
            {
                return false
            }
            return true
        }
        var offset = 0
        while offset + 8 <= count {
            if stored.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != other.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            {
                return false
            }
            offset += 8
        }
        // The last word overlaps the previous one; it covers the remaining bytes.
        return stored.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            == other.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }

    @inline(__always)
    static func writeTerminator(at position: UnsafeMutableRawPointer) {
        position.storeBytes(of: 13, as: UInt8.self)
        position.storeBytes(of: 10, toByteOffset: 1, as: UInt8.self)
    }
}
