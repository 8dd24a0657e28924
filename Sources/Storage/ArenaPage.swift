/// The bookkeeping of one `ItemArena` page, kept beside the pages so that blocks pack the whole page.
struct ArenaPage {
    /// The first free block (its index); each free block holds the next one's index in its first 4 bytes. -1 when
    /// the free blocks are only those never handed out.
    var firstFree: Int32 = -1
    /// Blocks of this page's size that fit in it.
    let capacity: UInt16
    /// Blocks handed out at least once since the page took its size: those beyond were never touched.
    var carved: UInt16 = 0
    var live: UInt16 = 0
    let blockSize: UInt16
    /// Neighbours in its size's list of pages with free blocks, -1 for none.
    var previous: Int32 = -1
    var next: Int32 = -1

    init(blockSize: Int, pageSize: Int) {
        self.blockSize = UInt16(blockSize)
        capacity = UInt16(pageSize / blockSize)
    }
}
