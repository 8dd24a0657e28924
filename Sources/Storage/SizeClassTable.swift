/// memcached's slab classes, used only to report items by size: chunks start at memcached's 48-byte
/// item header plus `-n` bytes (96 by default) and grow by `-f` (1.25), 8-byte aligned, up to half the
/// largest item; one last class holds everything bigger.
final class SizeClassTable: Sendable {
    static let pageSize = 1 << 20
    private static let itemHeaderSize = 48
    private static let alignment = 8
    private static let maximumClassCount = 63

    /// `chunkSizes[id - 1]` is the chunk size of class `id`.
    let chunkSizes: [Int]
    let pageSize: Int

    init(itemSizeMax: Int, growthFactor: Double = 1.25, minimumDataSize: Int = 48) {
        let smallestChunk = max(Self.itemHeaderSize + minimumDataSize, Self.alignment)
        let largestChunk = max(itemSizeMax / 2, smallestChunk)
        var sizes: [Int] = []
        var size = smallestChunk
        while sizes.count < Self.maximumClassCount - 1 {
            if Double(size) >= Double(largestChunk) / growthFactor { break }
            if size % Self.alignment != 0 { size += Self.alignment - size % Self.alignment }
            sizes.append(size)
            size = Int(Double(size) * growthFactor)
        }
        sizes.append(largestChunk)
        chunkSizes = sizes
        pageSize = max(Self.pageSize, itemSizeMax)
    }

    var count: Int { chunkSizes.count }

    /// The class id (1-based) of an item of `size` bytes as memcached measures it.
    func classID(forSize size: Int) -> Int {
        var low = 0
        var high = chunkSizes.count - 1
        if size > chunkSizes[high] { return chunkSizes.count }
        while low < high {
            let middle = (low + high) / 2
            if chunkSizes[middle] >= size { high = middle } else { low = middle + 1 }
        }
        return low + 1
    }
}
