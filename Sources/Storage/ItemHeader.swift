#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An item: one manually allocated block, an `ItemHeader` followed by the item's complete `get` reply.
typealias ItemPointer = UnsafeMutablePointer<ItemHeader>

/// The metadata at the start of every item block, 80 bytes: hash chain and LRU links, CAS, times, sizes, version,
/// meta protocol bits.
///
/// Keeping the links in the block (as memcached does) means a lookup touches the bucket array and the item
/// block, nothing else. What a lookup compares (chain link, hash, key length) sits in the first 64 bytes; the
/// version follows, next to the key in the block's second cache line.
///
/// A tombstone (a deleted key kept for replication) is a block of the same layout with size class 0, no data,
/// `expiresAt` -1 (so every liveness check takes it for a miss) and its deletion time in `lastAccess`.
struct ItemHeader {
    /// Next item in the same hash bucket.
    var chainNext: ItemPointer?
    /// Towards the most recently used end.
    var lruPrevious: ItemPointer?
    /// Towards the least recently used end.
    var lruNext: ItemPointer?
    var casUnique: UInt64
    var expiresAt: Int64
    var lastAccess: Int64
    /// The low 32 bits of the key's hash: bucket choice when the index grows, and a cheap first comparison.
    var hash: UInt32
    var flags: UInt32
    var valueLength: Int32
    /// Length of `VALUE <key> <flags> <bytes>`, without its CRLF.
    var replyHeaderLength: UInt16
    var keyLength: UInt8
    /// The size class id in the low bits; `fetchedBit` marks an item read since it was stored.
    var classAndFetched: UInt8
    var version: Version
    /// Meta protocol state (`ItemHeader.staleBit`...), in what would otherwise be the header's tail padding.
    var metaBits: UInt8

    static let fetchedBit: UInt8 = 0x80
}

extension UnsafeMutablePointer where Pointee == ItemHeader {
    /// The `get` reply, right after the header.
    @inline(__always)
    var reply: UnsafeMutableRawPointer { UnsafeMutableRawPointer(self) + MemoryLayout<ItemHeader>.stride }

    var replyLength: Int { Int(pointee.replyHeaderLength) + Int(pointee.valueLength) + 4 }

    /// Bytes held for this item: header and reply.
    var totalSize: Int { MemoryLayout<ItemHeader>.stride + replyLength }

    /// The item's size as memcached counts it, which decides `tooLarge` and the size class.
    var requestedSize: Int {
        ItemBlock.memcachedItemSize(
            keyLength: Int(pointee.keyLength), flags: pointee.flags, valueLength: Int(pointee.valueLength))
    }

    @inline(__always)
    var key: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: reply + ItemBlock.keyOffset, count: Int(pointee.keyLength))
    }

    var valueStart: UnsafeMutableRawPointer { reply + Int(pointee.replyHeaderLength) + 2 }

    /// The data followed by its `\r\n`.
    var valueWithTerminator: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: valueStart, count: Int(pointee.valueLength) + 2)
    }

    var sizeClass: Int {
        get { Int(pointee.classAndFetched & ~ItemHeader.fetchedBit) }
        nonmutating set {
            pointee.classAndFetched =
                (pointee.classAndFetched & ItemHeader.fetchedBit) | UInt8(truncatingIfNeeded: newValue)
        }
    }

    /// Size class 0 marks a tombstone; items have classes from 1.
    @inline(__always)
    var isTombstone: Bool { pointee.classAndFetched & ~ItemHeader.fetchedBit == 0 }

    var fetched: Bool {
        get { pointee.classAndFetched & ItemHeader.fetchedBit != 0 }
        nonmutating set {
            if newValue {
                pointee.classAndFetched |= ItemHeader.fetchedBit
            } else {
                pointee.classAndFetched &= ~ItemHeader.fetchedBit
            }
        }
    }

    func view() -> ItemView {
        let reply = UnsafeRawPointer(self.reply)
        let headerLength = Int(pointee.replyHeaderLength)
        let valueLength = Int(pointee.valueLength)
        let data = reply + headerLength + 2
        return ItemView(
            key: UnsafeRawBufferPointer(start: reply + ItemBlock.keyOffset, count: Int(pointee.keyLength)),
            value: UnsafeRawBufferPointer(start: data, count: valueLength),
            flags: pointee.flags,
            casUnique: pointee.casUnique,
            expiresAt: pointee.expiresAt,
            lastAccess: pointee.lastAccess,
            fetched: fetched,
            totalSize: totalSize,
            sizeClass: sizeClass,
            getReply: UnsafeRawBufferPointer(start: reply, count: headerLength + valueLength + 4),
            replyHeader: UnsafeRawBufferPointer(start: reply, count: headerLength),
            valueWithTerminator: UnsafeRawBufferPointer(start: data, count: valueLength + 2)
        )
    }

    /// The entry as replication sees it.
    func state() -> ItemState {
        if isTombstone {
            return ItemState(
                key: key, isTombstone: true, flags: 0, expiresAt: 0,
                value: UnsafeRawBufferPointer(start: nil, count: 0), version: pointee.version)
        }
        return ItemState(
            key: key, isTombstone: false, flags: pointee.flags, expiresAt: pointee.expiresAt,
            value: UnsafeRawBufferPointer(start: valueStart, count: Int(pointee.valueLength)),
            version: pointee.version)
    }

    /// Frees the block (allocated with `malloc` by `ItemBlock.allocate`).
    func deallocateItem() {
        free(UnsafeMutableRawPointer(self))
    }
}
