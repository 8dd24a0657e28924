/// The `ItemArena` pages no size holds: those emptied, and those never touched (from `carved` up).
struct ArenaPagePool {
    var recycled: [Int32] = []
    /// Pages handed out from the untouched end of the region so far.
    var carved = 0
    /// The fewest pages in use since malloc was last asked to give its free memory back.
    private var fewestInUseSinceTrim = 0

    var inUse: Int { carved - recycled.count }

    /// A page for a size, preferring one already touched; nil when all `capacity` pages are taken. `trim` is true
    /// when the arena has grown by `trimEvery` pages since its low point after the last trim: memory that `malloc`
    /// holds free (large items evicted for small ones) should then go back to the system, since the arena cannot
    /// use it.
    mutating func take(capacity: Int, trimEvery: Int) -> (page: Int, trim: Bool)? {
        let page: Int
        if let recycledPage = recycled.popLast() {
            page = Int(recycledPage)
        } else {
            guard carved < capacity else { return nil }
            carved += 1
            page = carved - 1
        }
        let trim = inUse - fewestInUseSinceTrim >= trimEvery
        if trim { fewestInUseSinceTrim = inUse }
        return (page, trim)
    }

    mutating func recycle(_ page: Int) {
        recycled.append(Int32(page))
        fewestInUseSinceTrim = min(fewestInUseSinceTrim, inUse)
    }
}
