extension Array {
    /// `length` elements from `start`, wrapping around the end.
    subscript(cycling start: Int, length: Int) -> ArraySlice<Element> {
        let first = start % count
        if first + length <= count { return self[first..<first + length] }
        return ArraySlice(self[first...] + self[..<(first + length - count)])
    }
}
