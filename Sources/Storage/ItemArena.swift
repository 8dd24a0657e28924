import CMalloc

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where item blocks come from: blocks up to 16 KB are packed into 64 KB pages, one block size per page, and
/// larger ones come from `malloc`.
///
/// A small item is mostly header, and `malloc` adds its own 8-byte chunk header and rounds to 16 bytes: 18 of a
/// 126-byte item's 144 bytes on average. Here blocks up to 1 KB are rounded to 8 bytes and carry nothing else;
/// the page's bookkeeping lives in a side table. Above 1 KB each doubling of size has 16 block sizes (at most
/// 1/16 of rounding): `malloc` would waste less there, but freeing a block of that size makes it merge the
/// block with its neighbours and grow and shrink per-thread heaps (an eighth of a replica's samples went to
/// `_int_free` alone while it applied 4 KB sessions).
///
/// Pages are carved from one region of address space reserved at start (only the pages used are ever touched); a
/// page whose last block is freed gives its memory back to the system and goes to a shared pool for any size, so
/// memory freed by one size is not stranded there. When the region is used up, or could not be reserved, blocks
/// come from `malloc`. Blocks are told apart by address.
///
/// Both directions of a shift in item sizes give memory back: an emptied page is returned to the system at once,
/// and when the arena has grown by `trimPages` pages, `malloc` is asked to return its free memory (larger items
/// evicted for the small ones the arena now holds), which it would otherwise keep.
///
/// Each size has its own lock (a block is allocated before its shard's lock is taken and freed under it); the
/// pool has another. Locks are taken in that order: shard, size, pool.
final class ItemArena: @unchecked Sendable {
    static let pageShift = 16
    static let pageSize = 1 << pageShift
    /// Blocks up to `fineLimit` are rounded up to this.
    static let granularity = 8
    static let fineLimit = 1024
    /// Block sizes per doubling above `fineLimit`.
    static let coarseStepsPerDoubling = 16
    /// Largest block served from pages: four to a page.
    static let largestBlock = 16 * 1024
    static let sizeCount =
        fineLimit / granularity + coarseStepsPerDoubling * (largestBlock / fineLimit).trailingZeroBitCount
    /// Arena growth, in pages (4 MB), after which `malloc`'s free memory goes back to the system.
    static let trimPages = 64
    /// Each size's lock and partial-page list on its own cache line.
    private static let sizeStride = 64

    /// Start of the reserved region, nil when there is none.
    private let base: UnsafeMutableRawPointer?
    let capacityPages: Int
    private let pages: UnsafeMutablePointer<ArenaPage>
    /// Per size: a pthread mutex, then the first page with a free block (`Int32`, -1 for none).
    private let sizes: UnsafeMutableRawPointer
    private let partialOffset: Int
    private let pool = Locked(ArenaPagePool())
    /// Returns `malloc`'s free memory to the system: `malloc_trim` in the server, observable in tests.
    private let releaseFreeHeapMemory: @Sendable () -> Void
    /// Free blocks and unused page space are poisoned under AddressSanitizer; nil otherwise.
    private let poisoning: AddressPoisoning?

    /// Reserves room for `reservedBytes` of pages (0 for none: every block then comes from `malloc`).
    init(
        reservedBytes: Int, releaseFreeHeapMemory: @escaping @Sendable () -> Void = rc_release_free_heap_memory,
        poisoning: AddressPoisoning? = AddressPoisoning.addressSanitizer()
    ) {
        self.releaseFreeHeapMemory = releaseFreeHeapMemory
        self.poisoning = poisoning
        let pageCount = min(reservedBytes / Self.pageSize, Int(Int32.max))
        var region: UnsafeMutableRawPointer?
        if pageCount > 0 {
            let mapped = mmap(
                nil, pageCount << Self.pageShift, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                -1, 0)
            if let mapped, mapped != MAP_FAILED { region = mapped }
        }
        base = region
        capacityPages = region == nil ? 0 : pageCount
        pages = .allocate(capacity: max(capacityPages, 1))
        partialOffset = (MemoryLayout<pthread_mutex_t>.size + 3) & ~3
        sizes = .allocate(byteCount: Self.sizeCount * Self.sizeStride, alignment: Self.sizeStride)
        for size in 0..<Self.sizeCount {
            let slot = sizes + size * Self.sizeStride
            let lock = slot.bindMemory(to: pthread_mutex_t.self, capacity: 1)
            lock.initialize(to: pthread_mutex_t())
            pthread_mutex_init(lock, nil)
            (slot + partialOffset).bindMemory(to: Int32.self, capacity: 1).initialize(to: -1)
        }
    }

    deinit {
        for size in 0..<Self.sizeCount { pthread_mutex_destroy(mutex(size)) }
        sizes.deallocate()
        pages.deallocate()
        if let base {
            poisoning?.unpoison(base, capacityPages << Self.pageShift)
            munmap(base, capacityPages << Self.pageShift)
        }
    }

    /// A block of at least `byteCount` bytes, 8-byte aligned.
    @inline(__always)
    func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        if byteCount <= Self.largestBlock, base != nil, let block = allocateFromPage(byteCount: byteCount) {
            return block
        }
        // malloc directly: `UnsafeMutableRawPointer.allocate` takes the slower aligned-allocation path.
        guard let block = malloc(byteCount) else { fatalError("out of memory allocating a cache item") }
        return block
    }

    /// Frees a block `allocate` returned.
    @inline(__always)
    func deallocate(_ block: UnsafeMutableRawPointer) {
        if let base, block >= base, block < base + (capacityPages << Self.pageShift) {
            deallocateToPage(block, offset: block - base)
        } else {
            free(block)
        }
    }

    /// Pages handed out and not returned, for tests.
    var pagesInUse: Int { pool.withLock { $0.inUse } }

    /// The size (index) serving `byteCount` bytes and its block size; `byteCount` is at most `largestBlock`.
    @inline(__always)
    static func size(for byteCount: Int) -> (size: Int, blockSize: Int) {
        let last = max(byteCount, 1) - 1
        if byteCount <= fineLimit { return (last / granularity, (last / granularity + 1) * granularity) }
        // Between 2^power (exclusive) and 2^(power + 1) (inclusive): 16 steps of 2^(power - 4).
        let power = Int.bitWidth - 1 - last.leadingZeroBitCount
        let stepShift = power - coarseStepsPerDoubling.trailingZeroBitCount
        let step = (last - (1 << power)) >> stepShift
        let size = fineLimit / granularity + (power - fineLimit.trailingZeroBitCount) * coarseStepsPerDoubling + step
        return (size, (1 << power) + ((step + 1) << stepShift))
    }

    private func allocateFromPage(byteCount: Int) -> UnsafeMutableRawPointer? {
        let (size, blockSize) = Self.size(for: byteCount)
        let lock = mutex(size)
        pthread_mutex_lock(lock)
        var trim = false
        defer {
            pthread_mutex_unlock(lock)
            if trim { releaseFreeHeapMemory() }
        }
        var pageIndex = Int(partialHead(size).pointee)
        if pageIndex < 0 {
            guard let taken = pool.withLock({ $0.take(capacity: capacityPages, trimEvery: Self.trimPages) }) else {
                return nil
            }
            trim = taken.trim
            pageIndex = taken.page
            pages[pageIndex] = ArenaPage(blockSize: blockSize, pageSize: Self.pageSize)
            pushPartial(pageIndex, size: size)
            poisoning?.poison(base.unsafelyUnwrapped + (pageIndex << Self.pageShift), Self.pageSize)
        }
        let page = pages + pageIndex
        let pageStart = base.unsafelyUnwrapped + (pageIndex << Self.pageShift)
        let block: Int
        if page.pointee.firstFree >= 0 {
            block = Int(page.pointee.firstFree)
            poisoning?.unpoison(pageStart + block * blockSize, blockSize)
            page.pointee.firstFree = pageStart.load(fromByteOffset: block * blockSize, as: Int32.self)
        } else {
            block = Int(page.pointee.carved)
            page.pointee.carved += 1
        }
        page.pointee.live += 1
        if page.pointee.live == page.pointee.capacity { removePartial(pageIndex, size: size) }
        let start = pageStart + block * blockSize
        if let poisoning {
            // As malloc's: the bytes asked for, not the rounding.
            poisoning.poison(start, blockSize)
            poisoning.unpoison(start, byteCount)
        }
        return start
    }

    private func deallocateToPage(_ block: UnsafeMutableRawPointer, offset: Int) {
        let pageIndex = offset >> Self.pageShift
        let page = pages + pageIndex
        // Stable while any of the page's blocks is live; set before this block was handed out.
        let blockSize = Int(page.pointee.blockSize)
        let size = Self.size(for: blockSize).size
        let lock = mutex(size)
        pthread_mutex_lock(lock)
        let wasFull = page.pointee.live == page.pointee.capacity
        poisoning?.unpoison(block, blockSize)
        block.storeBytes(of: page.pointee.firstFree, as: Int32.self)
        poisoning?.poison(block, blockSize)
        page.pointee.firstFree = Int32(truncatingIfNeeded: (offset & (Self.pageSize - 1)) / blockSize)
        page.pointee.live -= 1
        var emptied = false
        if page.pointee.live == 0 {
            // The size keeps its last partial page, so one item coming and going does not cycle a page.
            let onlyPartial = !wasFull && partialHead(size).pointee == Int32(pageIndex) && page.pointee.next < 0
            if !onlyPartial {
                if !wasFull { removePartial(pageIndex, size: size) }
                emptied = true
            }
        } else if wasFull {
            pushPartial(pageIndex, size: size)
        }
        pthread_mutex_unlock(lock)
        if emptied {
            // Its memory goes back to the system, so a size that shrinks does not hold RSS that blocks from
            // `malloc` (the larger sizes) cannot use; a later user of the page gets it zeroed.
            madvise(block - (offset & (Self.pageSize - 1)), Self.pageSize, MADV_DONTNEED)
            pool.withLock { $0.recycle(pageIndex) }
        }
    }

    private func pushPartial(_ pageIndex: Int, size: Int) {
        let head = partialHead(size)
        pages[pageIndex].previous = -1
        pages[pageIndex].next = head.pointee
        if head.pointee >= 0 { pages[Int(head.pointee)].previous = Int32(pageIndex) }
        head.pointee = Int32(pageIndex)
    }

    private func removePartial(_ pageIndex: Int, size: Int) {
        let previous = pages[pageIndex].previous
        let next = pages[pageIndex].next
        if previous >= 0 { pages[Int(previous)].next = next } else { partialHead(size).pointee = next }
        if next >= 0 { pages[Int(next)].previous = previous }
        pages[pageIndex].previous = -1
        pages[pageIndex].next = -1
    }

    @inline(__always)
    private func mutex(_ size: Int) -> UnsafeMutablePointer<pthread_mutex_t> {
        (sizes + size * Self.sizeStride).assumingMemoryBound(to: pthread_mutex_t.self)
    }

    @inline(__always)
    private func partialHead(_ size: Int) -> UnsafeMutablePointer<Int32> {
        (sizes + size * Self.sizeStride + partialOffset).assumingMemoryBound(to: Int32.self)
    }
}
