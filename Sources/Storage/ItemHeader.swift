/// An item: one manually allocated block, an `ItemHeader` followed by the item's `get` reply after its `VALUE `.
typealias ItemPointer = UnsafeMutablePointer<ItemHeader>

/// The metadata at the start of every item block, 64 bytes (one cache line): hash chain and LRU links, CAS,
/// times, sizes, version, meta protocol bits. Small items are mostly header, so every field is as narrow as its
/// values allow, and the key's hash is not stored (as in memcached): a lookup compares the key length, then the
/// key, and unlinking hashes the key again.
///
/// Keeping the links in the block (as memcached does) means a lookup touches the bucket array and the item
/// block, nothing else.
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
    /// `version`, stored flat: as a `Version` field its padding would cost the header 8 bytes.
    private var versionTimestamp: UInt64
    var flags: UInt32
    var valueLength: Int32
    private var versionNode: UInt32
    /// Unix seconds (they fit 32 bits until 2106).
    private var lastAccessSeconds: UInt32
    /// `expiresAt` in 32 bits: seconds from `expiryEpoch`, or `neverExpires`.
    private var expiry: Int32
    /// The reply header's length (`<key> <flags> <bytes>`, at most 272) in the low 13 bits, `metaBits` in the top 3.
    private var replyHeaderAndMeta: UInt16
    var keyLength: UInt8
    /// The size class id in the low bits; `fetchedBit` marks an item read since it was stored.
    var classAndFetched: UInt8

    static let fetchedBit: UInt8 = 0x80
    private static let replyHeaderMask: UInt16 = 0x1fff
    /// Expiry times are stored relative to this unix time (2023-11-14), which covers 1955 to 2091 exactly: the
    /// past back to the clocks tests start at, and -1 (already expired); later times clamp to 2091.
    static let expiryEpoch: Int64 = 1_700_000_000
    private static let neverExpires = Int32.min

    init(flags: UInt32, valueLength: Int, replyHeaderLength: Int, keyLength: Int) {
        chainNext = nil
        lruPrevious = nil
        lruNext = nil
        casUnique = 0
        versionTimestamp = 0
        self.flags = flags
        self.valueLength = Int32(truncatingIfNeeded: valueLength)
        versionNode = 0
        lastAccessSeconds = 0
        expiry = Self.neverExpires
        replyHeaderAndMeta = UInt16(truncatingIfNeeded: replyHeaderLength) & Self.replyHeaderMask
        self.keyLength = UInt8(truncatingIfNeeded: keyLength)
        classAndFetched = 0
    }

    var version: Version {
        get { Version(timestamp: versionTimestamp, nodeID: versionNode) }
        set {
            versionTimestamp = newValue.timestamp
            versionNode = newValue.nodeID
        }
    }

    /// Absolute unix seconds, 0 for never, -1 (or any past time) for already expired.
    var expiresAt: Int64 {
        @inline(__always) get { expiry == Self.neverExpires ? 0 : Int64(expiry) + Self.expiryEpoch }
        set {
            if newValue == 0 {
                expiry = Self.neverExpires
            } else {
                let earliest = Self.expiryEpoch + Int64(Self.neverExpires) + 1
                let latest = Self.expiryEpoch + Int64(Int32.max)
                expiry = Int32(truncatingIfNeeded: min(max(newValue, earliest), latest) - Self.expiryEpoch)
            }
        }
    }

    var lastAccess: Int64 {
        get { Int64(lastAccessSeconds) }
        set { lastAccessSeconds = UInt32(clamping: newValue) }
    }

    /// Length of `<key> <flags> <bytes>`, without its CRLF.
    var replyHeaderLength: UInt16 { replyHeaderAndMeta & Self.replyHeaderMask }

    /// Meta protocol state (`ItemHeader.staleBit`...): three bits.
    var metaBits: UInt8 {
        get { UInt8(truncatingIfNeeded: replyHeaderAndMeta >> 13) }
        set { replyHeaderAndMeta = (replyHeaderAndMeta & Self.replyHeaderMask) | UInt16(newValue & 0x7) << 13 }
    }
}

extension UnsafeMutablePointer where Pointee == ItemHeader {
    /// The `get` reply after its `VALUE `, right after the header.
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
        UnsafeRawBufferPointer(start: reply, count: Int(pointee.keyLength))
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
            key: UnsafeRawBufferPointer(start: reply, count: Int(pointee.keyLength)),
            value: UnsafeRawBufferPointer(start: data, count: valueLength),
            flags: pointee.flags,
            casUnique: pointee.casUnique,
            expiresAt: pointee.expiresAt,
            lastAccess: pointee.lastAccess,
            fetched: fetched,
            totalSize: totalSize,
            sizeClass: sizeClass,
            valueLine: UnsafeRawBufferPointer(start: reply, count: headerLength + valueLength + 4),
            valueLineHeader: UnsafeRawBufferPointer(start: reply, count: headerLength),
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

    /// Frees the block, allocated from `arena` by `ItemBlock.allocate`.
    @inline(__always)
    func deallocateItem(from arena: ItemArena) {
        arena.deallocate(UnsafeMutableRawPointer(self))
    }
}
