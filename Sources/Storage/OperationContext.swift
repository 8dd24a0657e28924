/// What a shard needs from its cache for one operation, gathered once before taking the shard lock.
struct OperationContext {
    let liveness: ItemLiveness
    let evictionEnabled: Bool
    let itemSizeMax: Int
    // The cache owns these for its whole life and outlives every operation; unowned(unsafe) avoids ARC traffic.
    unowned(unsafe) let accountant: MemoryAccountant
    unowned(unsafe) let uniques: CasSequence
    unowned(unsafe) let sizeClasses: SizeClassTable

    var now: Int64 { liveness.now }
}
