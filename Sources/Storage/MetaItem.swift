/// A live item as a meta command sees it under its shard lock: what `mg`/`ma`/`me` report, and the changes
/// `T`, `N` and `W` make, applied in the order the request gives them.
///
/// Valid only inside the closure that receives it.
public struct MetaItem {
    let pointer: ItemPointer
    let now: Int64
    /// Created by this command (`mg N`, `ma N`).
    public let created: Bool
    /// memcached's `ma` applies `T` to the item it started from; when the result needed a new item that change
    /// is lost, and only this view shows it.
    let writesThrough: Bool
    /// Unix seconds; 0 means never.
    public private(set) var expiresAt: Int64
    private(set) var expiryChanged = false
    /// `h`: read before this command.
    public let fetchedBefore: Bool
    /// Unix seconds of the last access before this command.
    public let lastAccess: Int64

    init(pointer: ItemPointer, now: Int64, created: Bool, writesThrough: Bool = true, expiresAt: Int64? = nil) {
        self.pointer = pointer
        self.now = now
        self.created = created
        self.writesThrough = writesThrough
        self.expiresAt = expiresAt ?? pointer.pointee.expiresAt
        fetchedBefore = pointer.fetched
        lastAccess = pointer.pointee.lastAccess
    }

    public var key: UnsafeRawBufferPointer { pointer.key }
    /// The data without its `\r\n`.
    public var value: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: pointer.valueStart, count: Int(pointer.pointee.valueLength))
    }
    /// The data followed by `\r\n`.
    public var valueWithTerminator: UnsafeRawBufferPointer { pointer.valueWithTerminator }
    public var flags: UInt32 { pointer.pointee.flags }
    public var casUnique: UInt64 { pointer.pointee.casUnique }
    public var keyIsBinary: Bool { pointer.hasMetaBit(ItemHeader.binaryKeyBit) }
    public var isStale: Bool { pointer.hasMetaBit(ItemHeader.staleBit) }
    public var tokenSent: Bool { pointer.hasMetaBit(ItemHeader.tokenSentBit) }
    /// `l`: whole seconds since the last access before this command.
    public var secondsSinceAccess: Int64 { now - lastAccess }
    /// `t`: whole seconds left, -1 for an item that never expires.
    public var remainingSeconds: Int64 { expiresAt == 0 ? -1 : expiresAt - now }
    /// memcached's size of the item (`me`'s `size`), header and CAS included.
    public var memcachedSize: Int { pointer.requestedSize }
    /// memcached-like slab class id (`me`'s `cls`).
    public var sizeClass: Int { pointer.sizeClass }

    /// `T`/`N`: a new raw protocol exptime.
    public mutating func setExpiry(exptime: Int64) {
        expiresAt = ItemLiveness.expiresAt(exptime: exptime, now: now)
        guard writesThrough else { return }
        pointer.pointee.expiresAt = expiresAt
        expiryChanged = true
    }

    /// `R`: whether the item expires before a raw exptime would, so this client wins the recache.
    public func expiresBefore(exptime: Int64) -> Bool {
        expiresAt != 0 && expiresAt < ItemLiveness.expiresAt(exptime: exptime, now: now)
    }

    /// `W`: this client won; later ones are told `Z`.
    public func markTokenSent() {
        pointer.setMetaBit(ItemHeader.tokenSentBit, true)
    }
}
