/// A fast 64-bit hash of raw key bytes, read in place 8 bytes at a time (a wyhash-style multiply-fold mix).
enum KeyHash {
    private static let seed: UInt64 = 0xa076_1d64_78bd_642f
    private static let wordPrime: UInt64 = 0xe703_7ed1_a0b4_28db
    private static let tailPrime: UInt64 = 0x8ebc_6af0_9c88_c6e3
    private static let finalPrime: UInt64 = 0x5899_65cc_7537_4cc3

    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        let count = key.count
        var state = seed ^ UInt64(truncatingIfNeeded: count)
        guard let base = key.baseAddress, count > 0 else { return fold(state, finalPrime) }
        var offset = 0
        while offset + 8 <= count {
            let word = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            state = fold(state ^ word, wordPrime)
            offset += 8
        }
        if offset < count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                word |= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) << shift
                shift += 8
                offset += 1
            }
            state = fold(state ^ word, tailPrime)
        }
        return fold(state, finalPrime)
    }
}
