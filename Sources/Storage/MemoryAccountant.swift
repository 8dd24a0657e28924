import Synchronization

/// The global byte count of all items and tombstones, shared by every shard; reservations never push it past the
/// limit.
final class MemoryAccountant: Sendable {
    let limit: Int
    private let used = Atomic<Int>(0)
    /// The part of `used` held by tombstones, so `bytes` can report items alone as memcached does.
    private let tombstones = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    var usedBytes: Int { used.load(ordering: .relaxed) }

    var tombstoneBytes: Int { tombstones.load(ordering: .relaxed) }

    /// Bytes held by items: the two counters are read one after the other, so clamp a momentary skew.
    var itemBytes: Int { max(usedBytes - tombstoneBytes, 0) }

    /// Adds `bytes` if the total stays within the limit.
    @inline(__always)
    func tryReserve(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while true {
            if current + bytes > limit { return false }
            let (exchanged, original) = used.weakCompareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    @inline(__always)
    func release(_ bytes: Int) {
        used.wrappingSubtract(bytes, ordering: .relaxed)
    }

    /// Moves `bytes` (positive or negative) of what is already reserved into or out of the tombstone share.
    func noteTombstoneBytes(_ bytes: Int) {
        tombstones.wrappingAdd(bytes, ordering: .relaxed)
    }
}
