extension UnsafeRawPointer {
    /// Whether the bytes at `range` are exactly `word`.
    @inline(__always)
    func matches(_ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        let letters = word.utf8Start
        for offset in 0..<range.count where byte(range.lowerBound + offset) != letters[offset] {
            return false
        }
        return true
    }

    /// Whether the bytes at `range` begin with `word`.
    @inline(__always)
    func hasPrefix(_ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count >= word.utf8CodeUnitCount else { return false }
        return matches(range.lowerBound..<range.lowerBound + word.utf8CodeUnitCount, word)
    }
}
