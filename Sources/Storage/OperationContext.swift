/// What a shard needs from its cache for one operation, gathered once before taking the shard lock.
struct OperationContext {
    let liveness: ItemLiveness
    let evictionEnabled: Bool
    let itemSizeMax: Int
    // The cache owns these for its whole life and outlives every operation; unowned(unsafe) avoids ARC traffic.
    unowned(unsafe) let accountant: MemoryAccountant
    unowned(unsafe) let uniques: CasSequence
    unowned(unsafe) let sizeClasses: SizeClassTable
    unowned(unsafe) let versions: VersionClock
    /// The clock in milliseconds; for a read context only whole seconds.
    let milliseconds: Int64

    var now: Int64 { liveness.now }

    /// A new version for a write under the shard lock, from this context's clock reading.
    @inline(__always)
    func nextVersion() -> Version {
        versions.next(physicalMilliseconds: milliseconds)
    }
}
