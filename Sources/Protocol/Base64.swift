/// memcached 1.6's base64 for meta keys (`b` flag): the decoder skips bytes outside the alphabet, needs a
/// non-zero multiple of four alphabet bytes (`=` included), stops after the first block that holds padding and
/// refuses a block with more than two `=`. Works in place on caller-provided memory, so it allocates nothing.
public enum Base64 {
    static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    /// The six-bit value of `byte`, 0 for `=`, nil for a byte the decoder skips.
    @inline(__always)
    static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte &- UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte &- UInt8(ascii: "a") &+ 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0") &+ 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        case UInt8(ascii: "="): 0
        default: nil
        }
    }

    /// Decodes `base[range]` into `output` (room for `range.count` bytes suffices) and returns the decoded
    /// length, or nil where memcached's decoder fails. With `output` nil it only measures.
    public static func decode(
        _ base: UnsafeRawPointer, _ range: Range<Int>, into output: UnsafeMutableRawPointer? = nil
    ) -> Int? {
        var symbols = 0
        for offset in range where sextet(base.byte(offset)) != nil { symbols += 1 }
        guard symbols > 0, symbols % 4 == 0 else { return nil }
        var block: UInt32 = 0
        var inBlock = 0
        var padding = 0
        var length = 0
        for offset in range {
            let byte = base.byte(offset)
            guard let value = sextet(byte) else { continue }
            if byte == UInt8(ascii: "=") { padding += 1 }
            block = block << 6 | UInt32(value)
            inBlock += 1
            guard inBlock == 4 else { continue }
            if let output {
                output.storeBytes(of: UInt8(truncatingIfNeeded: block >> 16), toByteOffset: length, as: UInt8.self)
                output.storeBytes(of: UInt8(truncatingIfNeeded: block >> 8), toByteOffset: length + 1, as: UInt8.self)
                output.storeBytes(of: UInt8(truncatingIfNeeded: block), toByteOffset: length + 2, as: UInt8.self)
            }
            length += 3
            block = 0
            inBlock = 0
            if padding > 0 {
                guard padding <= 2 else { return nil }
                // The first padded block ends the key; memcached ignores whatever follows.
                return length - padding
            }
        }
        return length
    }

    /// Appends the base64 text of `bytes`, padded with `=`.
    public static func encode(_ bytes: UnsafeRawBufferPointer, to output: ByteBuffer) {
        let letters = alphabet.utf8Start
        var index = 0
        let count = bytes.count
        while index < count {
            let first = UInt32(bytes[index])
            let second = index + 1 < count ? UInt32(bytes[index + 1]) : 0
            let third = index + 2 < count ? UInt32(bytes[index + 2]) : 0
            let block = first << 16 | second << 8 | third
            output.append(letters[Int(block >> 18 & 63)])
            output.append(letters[Int(block >> 12 & 63)])
            output.append(index + 1 < count ? letters[Int(block >> 6 & 63)] : UInt8(ascii: "="))
            output.append(index + 2 < count ? letters[Int(block & 63)] : UInt8(ascii: "="))
            index += 3
        }
    }
}
