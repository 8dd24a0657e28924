/// The space-separated tokens of a meta command line, in order, without allocating.
public struct MetaTokens: Sequence, IteratorProtocol {
    let base: UnsafeRawPointer
    var position: Int
    let end: Int

    public init(_ base: UnsafeRawPointer, _ span: Range<Int>) {
        self.base = base
        position = span.lowerBound
        end = span.upperBound
    }

    @inline(__always)
    public mutating func next() -> Range<Int>? {
        while position < end && base.byte(position) == .space { position &+= 1 }
        guard position < end else { return nil }
        let start = position
        while position < end && base.byte(position) != .space { position &+= 1 }
        return start..<position
    }
}
