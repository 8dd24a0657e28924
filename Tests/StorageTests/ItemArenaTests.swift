import Testing

@testable import Storage

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ItemArenaTests {
    /// Blocks of one size sit side by side in a page: no allocator header, rounded to 8 bytes only.
    @Test func smallBlocksPackIntoPagesWithoutOverhead() {
        let arena = ItemArena(reservedBytes: 4 * ItemArena.pageSize)
        let first = arena.allocate(byteCount: 118)
        let second = arena.allocate(byteCount: 120)
        #expect(second - first == 120)
        #expect(arena.pagesInUse == 1)
        arena.deallocate(first)
        arena.deallocate(second)
    }

    /// Up to 1 KB blocks grow in 8-byte steps; above, 16 steps per doubling, so rounding wastes under 1/16.
    @Test func sizesRoundUpByAtMostASixteenthAndMapTheirBlockSizeBack() {
        var previous = (size: -1, blockSize: 0)
        for byteCount in 1...ItemArena.largestBlock {
            let class_ = ItemArena.size(for: byteCount)
            #expect(class_.blockSize >= byteCount && class_.blockSize % ItemArena.granularity == 0)
            let allowed = byteCount <= ItemArena.fineLimit ? ItemArena.granularity : class_.blockSize / 16
            #expect(class_.blockSize - byteCount < allowed, "\(byteCount) -> \(class_.blockSize)")
            #expect(class_.size == previous.size || class_.size == previous.size + 1)
            #expect(class_.size > previous.size || class_.blockSize == previous.blockSize)
            #expect(ItemArena.size(for: class_.blockSize) == class_, "a page's block size names its size")
            previous = class_
        }
        #expect(previous.size == ItemArena.sizeCount - 1 && previous.blockSize == ItemArena.largestBlock)
        #expect(ItemArena.size(for: 4_205).blockSize == 4_352, "a 4 KB session: 15 to a page")
    }

    /// A 4 KB session's block comes from a page too, not from malloc.
    @Test func sessionSizedBlocksPackIntoPages() {
        let arena = ItemArena(reservedBytes: 4 * ItemArena.pageSize)
        let blocks = (0..<15).map { _ in arena.allocate(byteCount: 4_205) }
        #expect(arena.pagesInUse == 1)
        #expect(blocks[1] - blocks[0] == 4_352)
        let sixteenth = arena.allocate(byteCount: 4_300)
        #expect(arena.pagesInUse == 2)
        for block in blocks + [sixteenth] { arena.deallocate(block) }
    }

    @Test func aFreedBlockIsReusedFirst() {
        let arena = ItemArena(reservedBytes: 4 * ItemArena.pageSize)
        let blocks = (0..<3).map { _ in arena.allocate(byteCount: 64) }
        arena.deallocate(blocks[1])
        #expect(arena.allocate(byteCount: 60) == blocks[1])
        for block in blocks { arena.deallocate(block) }
    }

    /// A page whose last block goes returns to the pool and can serve another size, unless it is its size's
    /// only page with room: one item coming and going should not cycle a page.
    @Test func anEmptiedPageServesAnotherSize() {
        let arena = ItemArena(reservedBytes: 3 * ItemArena.pageSize)
        let perPage = ItemArena.pageSize / 128
        let firstPage = (0..<perPage).map { _ in arena.allocate(byteCount: 128) }
        let secondPage = (0..<perPage).map { _ in arena.allocate(byteCount: 128) }
        #expect(arena.pagesInUse == 2)
        for block in firstPage { arena.deallocate(block) }
        #expect(arena.pagesInUse == 2)
        for block in secondPage { arena.deallocate(block) }
        #expect(arena.pagesInUse == 1)
        let other = arena.allocate(byteCount: 1000)
        #expect(other == secondPage[0])
        #expect(arena.pagesInUse == 2)
        arena.deallocate(other)
        #expect(arena.allocate(byteCount: 128) == firstPage[perPage - 1])
    }

    /// An emptied page's memory goes back to the system: the fill that moved from small items to large ones
    /// (served by malloc) must not keep the small items' pages resident.
    @Test func anEmptiedPageIsNoLongerResident() {
        let arena = ItemArena(reservedBytes: 2 * ItemArena.pageSize)
        let perPage = ItemArena.pageSize / 256
        let keptPage = (0..<perPage).map { _ in arena.allocate(byteCount: 256) }
        let emptiedPage = (0..<perPage).map { _ in arena.allocate(byteCount: 256) }
        for block in emptiedPage { block.initializeMemory(as: UInt8.self, repeating: 1, count: 256) }
        #expect(residentBytes(emptiedPage[0]) == ItemArena.pageSize)
        // The size's other page gets room first, so the emptied one is not its last partial page.
        arena.deallocate(keptPage[0])
        for block in emptiedPage { arena.deallocate(block) }
        #expect(residentBytes(emptiedPage[0]) == 0)
        for block in keptPage.dropFirst() { arena.deallocate(block) }
    }

    /// malloc is asked to give back its free memory each time the arena grows by `trimPages` pages from its low
    /// point, and not while it only holds its size.
    @Test func growthPastTheTrimIntervalReleasesMallocsFreeMemory() {
        let trims = Locked(0)
        let pagesNeeded = ItemArena.trimPages + 1
        let arena = ItemArena(reservedBytes: 2 * pagesNeeded * ItemArena.pageSize) { trims.withLock { $0 += 1 } }
        let perPage = ItemArena.pageSize / 1024
        var blocks = (0..<(ItemArena.trimPages - 1) * perPage).map { _ in arena.allocate(byteCount: 1024) }
        #expect(trims.withLock { $0 } == 0)
        blocks += (0..<perPage).map { _ in arena.allocate(byteCount: 1024) }
        #expect(trims.withLock { $0 } == 1)
        // Shrinking and growing back to the same size trims nothing more.
        for block in blocks.suffix(10 * perPage) { arena.deallocate(block) }
        blocks.removeLast(10 * perPage)
        blocks += (0..<(10 * perPage)).map { _ in arena.allocate(byteCount: 1024) }
        #expect(trims.withLock { $0 } == 1)
        for block in blocks { arena.deallocate(block) }
        // After emptying (the size keeps one page), growing by the interval again trims again.
        blocks = (0..<(ItemArena.trimPages + 1) * perPage).map { _ in arena.allocate(byteCount: 1024) }
        #expect(trims.withLock { $0 } == 2)
        for block in blocks { arena.deallocate(block) }
    }

    /// Under AddressSanitizer a block is addressable only while it is handed out, and then only the bytes asked
    /// for, as with malloc; the rest of the page stays poisoned.
    @Test func onlyHandedOutBytesAreAddressable() {
        let poisoned = Locked(Set<Int>())
        let poisoning = AddressPoisoning(
            poison: { start, count in
                poisoned.withLock { $0.formUnion(Int(bitPattern: start)..<Int(bitPattern: start) + count) }
            },
            unpoison: { start, count in
                poisoned.withLock { $0.subtract(Int(bitPattern: start)..<Int(bitPattern: start) + count) }
            })
        let arena = ItemArena(reservedBytes: ItemArena.pageSize, releaseFreeHeapMemory: {}, poisoning: poisoning)
        func isPoisoned(_ pointer: UnsafeMutableRawPointer, _ offset: Int) -> Bool {
            poisoned.withLock { $0.contains(Int(bitPattern: pointer) + offset) }
        }
        let first = arena.allocate(byteCount: 100)
        let second = arena.allocate(byteCount: 100)
        #expect(!isPoisoned(first, 0) && !isPoisoned(first, 99))
        #expect(isPoisoned(first, 100) && isPoisoned(first, 103))
        #expect(!isPoisoned(second, 0) && isPoisoned(second, 104) && isPoisoned(second, ItemArena.pageSize - 209))
        arena.deallocate(first)
        #expect(isPoisoned(first, 0) && isPoisoned(first, 99))
        let reused = arena.allocate(byteCount: 97)
        #expect(reused == first && !isPoisoned(reused, 96) && isPoisoned(reused, 97))
        arena.deallocate(reused)
        arena.deallocate(second)
    }

    private func residentBytes(_ page: UnsafeMutableRawPointer) -> Int {
        let systemPage = Int(sysconf(Int32(_SC_PAGESIZE)))
        var vector = [UInt8](repeating: 0, count: ItemArena.pageSize / systemPage)
        #expect(mincore(page, ItemArena.pageSize, &vector) == 0)
        return vector.filter { $0 & 1 != 0 }.count * systemPage
    }

    /// Past the reservation, and above the largest block, blocks come from malloc and go back to it.
    @Test func blocksPastTheReservationComeFromMalloc() {
        let arena = ItemArena(reservedBytes: ItemArena.pageSize)
        let perPage = ItemArena.pageSize / 512
        let inPage = (0..<perPage).map { _ in arena.allocate(byteCount: 512) }
        let outside = arena.allocate(byteCount: 512)
        let large = arena.allocate(byteCount: ItemArena.largestBlock + 1)
        #expect(!inPage.contains(outside))
        #expect(arena.pagesInUse == 1)
        outside.storeBytes(of: 7, as: UInt64.self)
        large.storeBytes(of: 7, toByteOffset: ItemArena.largestBlock - 7, as: UInt64.self)
        arena.deallocate(outside)
        arena.deallocate(large)
        for block in inPage { arena.deallocate(block) }
        #expect(arena.pagesInUse == 1)
    }

    @Test func noReservationMeansMallocOnly() {
        let arena = ItemArena(reservedBytes: 0)
        let block = arena.allocate(byteCount: 100)
        #expect(arena.pagesInUse == 0)
        arena.deallocate(block)
    }

    /// Blocks of many sizes allocated and freed in random order never overlap, and every page comes back.
    @Test func randomSizesNeverOverlap() {
        let arena = ItemArena(reservedBytes: 64 * ItemArena.pageSize)
        var random = SplitMix(seed: 42)
        var live: [(block: UnsafeMutableRawPointer, size: Int, tag: UInt8)] = []
        for step in 0..<20_000 {
            if live.isEmpty || random.next() % 3 != 0 {
                let size = Int(random.next() % UInt64(ItemArena.largestBlock + 200)) + 1
                let block = arena.allocate(byteCount: size)
                let tag = UInt8(truncatingIfNeeded: step)
                block.initializeMemory(as: UInt8.self, repeating: tag, count: size)
                live.append((block, size, tag))
            } else {
                let victim = live.remove(at: Int(random.next() % UInt64(live.count)))
                let bytes = UnsafeRawBufferPointer(start: victim.block, count: victim.size)
                #expect(bytes.allSatisfy { $0 == victim.tag })
                arena.deallocate(victim.block)
            }
        }
        for entry in live {
            #expect(UnsafeRawBufferPointer(start: entry.block, count: entry.size).allSatisfy { $0 == entry.tag })
            arena.deallocate(entry.block)
        }
        // At most one page per size stays with its size.
        #expect(arena.pagesInUse <= ItemArena.sizeCount)
    }

    /// Two threads allocating and freeing the same sizes: every block keeps its contents.
    @Test func threadsShareSizesSafely() async {
        let arena = ItemArena(reservedBytes: 32 * ItemArena.pageSize)
        await withTaskGroup(of: Bool.self) { group in
            for worker in 0..<2 {
                group.addTask {
                    var intact = true
                    var blocks: [UnsafeMutableRawPointer] = []
                    for round in 0..<5_000 {
                        let block = arena.allocate(byteCount: 96 + (round % 4) * 8)
                        block.storeBytes(of: UInt64(worker), as: UInt64.self)
                        blocks.append(block)
                        if blocks.count > 200 {
                            let old = blocks.removeFirst()
                            intact = intact && old.load(as: UInt64.self) == UInt64(worker)
                            arena.deallocate(old)
                        }
                    }
                    for block in blocks {
                        intact = intact && block.load(as: UInt64.self) == UInt64(worker)
                        arena.deallocate(block)
                    }
                    return intact
                }
            }
            for await intact in group { #expect(intact) }
        }
    }
}
