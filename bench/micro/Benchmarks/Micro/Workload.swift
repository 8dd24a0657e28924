/// The inputs the benchmarks share, shaped like `bench/loadgen`'s traffic: keys `memtier-<n>`, 32-byte and
/// 4 KB values of `x`.
enum Workload {
    /// Keys a populated cache holds (the `small` workload's key space), and how many of them a table cycles through.
    static let keySpace = 100_000
    static let tableSize = 1 << 14

    static func key(_ number: Int) -> [UInt8] {
        Array("memtier-\(number)".utf8)
    }

    static func value(_ length: Int) -> [UInt8] {
        [UInt8](repeating: UInt8(ascii: "x"), count: length)
    }

    /// `tableSize` key numbers spread over `1...keySpace` (offset by `first - 1`), in a scattered order so
    /// consecutive requests land in different shards and buckets, as a client's random keys do.
    static func keyNumbers(first: Int = 1, count: Int = tableSize, space: Int = keySpace) -> [Int] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            // xorshift64: deterministic, so every run measures the same keys.
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return first + Int(state % UInt64(space))
        }
    }

    /// A copy of `bytes` that is never freed, for inputs the measured loops read by pointer.
    static func permanent(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        copy.copyBytes(from: bytes)
        return UnsafeRawBufferPointer(copy)
    }

    static func getRequest(_ keys: [Int]) -> [UInt8] {
        Array("get \(keys.map { "memtier-\($0)" }.joined(separator: " "))\r\n".utf8)
    }

    static func setRequest(_ key: Int, valueLength: Int) -> [UInt8] {
        Array("set memtier-\(key) 0 0 \(valueLength)\r\n".utf8) + value(valueLength) + Array("\r\n".utf8)
    }

    /// The `pipeline` workload's batch: one request per key, a `set` of 32 bytes for every 11th, else a `get`.
    static func pipelinedBatch(_ keys: ArraySlice<Int>, withSets: Bool) -> [UInt8] {
        keys.enumerated().flatMap { index, key in
            withSets && index % 11 == 0 ? setRequest(key, valueLength: 32) : getRequest([key])
        }
    }
}
