#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The cache's shards, each with its own pthread mutex, every shard on its own cache lines so that threads
/// working on different shards do not share lines.
final class ShardTable: @unchecked Sendable {
    private static let cacheLine = 64

    private let base: UnsafeMutableRawPointer
    private let slotStride: Int
    private let shardOffset: Int
    let count: Int
    /// The shards free their items into it, last of all when this table goes.
    let arena: ItemArena

    init(count: Int, arena: ItemArena, makeShard: (Int) -> Shard) {
        self.count = count
        self.arena = arena
        shardOffset = Self.roundUp(MemoryLayout<pthread_mutex_t>.size, to: Self.cacheLine)
        slotStride = Self.roundUp(shardOffset + MemoryLayout<Shard>.size, to: Self.cacheLine)
        base = .allocate(byteCount: slotStride * count, alignment: Self.cacheLine)
        for index in 0..<count {
            let lock = (base + index * slotStride).bindMemory(to: pthread_mutex_t.self, capacity: 1)
            lock.initialize(to: pthread_mutex_t())
            pthread_mutex_init(lock, nil)
            (base + index * slotStride + shardOffset).bindMemory(to: Shard.self, capacity: 1)
                .initialize(to: makeShard(index))
        }
    }

    deinit {
        for index in 0..<count {
            pthread_mutex_destroy(lock(index))
            shard(index).deinitialize(count: 1)
        }
        base.deallocate()
    }

    @inline(__always)
    private func lock(_ index: Int) -> UnsafeMutablePointer<pthread_mutex_t> {
        (base + index * slotStride).assumingMemoryBound(to: pthread_mutex_t.self)
    }

    @inline(__always)
    private func shard(_ index: Int) -> UnsafeMutablePointer<Shard> {
        (base + index * slotStride + shardOffset).assumingMemoryBound(to: Shard.self)
    }

    /// Runs `body` on shard `index` under its lock.
    @inline(__always)
    func withLocked<Result>(_ index: Int, _ body: (inout Shard) -> Result) -> Result {
        let mutex = lock(index)
        pthread_mutex_lock(mutex)
        let result = body(&shard(index).pointee)
        pthread_mutex_unlock(mutex)
        return result
    }

    private static func roundUp(_ value: Int, to alignment: Int) -> Int {
        (value + alignment - 1) / alignment * alignment
    }
}
