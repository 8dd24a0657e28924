/// Many small byte strings (keys, requests, frames) built once, back to back in one block, so a measured loop
/// reads them without touching an array of arrays. Lives as long as the benchmark process.
final class ByteTable {
    private let storage: UnsafeMutableRawBufferPointer
    private let ranges: [Range<Int>]
    /// `count - 1`: `count` is a power of two, so `entry(index & mask)` cycles through the table.
    let mask: Int

    /// `entries.count` must be a power of two.
    init(_ entries: [[UInt8]]) {
        precondition(entries.count > 0 && entries.count & (entries.count - 1) == 0, "a power of two entries")
        let total = entries.reduce(0) { $0 + $1.count }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 16)
        var ranges: [Range<Int>] = []
        var offset = 0
        for entry in entries {
            UnsafeMutableRawBufferPointer(rebasing: storage[offset..<offset + entry.count]).copyBytes(from: entry)
            ranges.append(offset..<offset + entry.count)
            offset += entry.count
        }
        self.storage = storage
        self.ranges = ranges
        mask = entries.count - 1
    }

    deinit {
        storage.deallocate()
    }

    var count: Int { ranges.count }

    @inline(__always)
    func entry(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage[ranges[index & mask]])
    }
}
