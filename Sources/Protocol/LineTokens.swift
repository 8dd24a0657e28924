/// The space-separated tokens of one command line, found the way memcached's tokenizer finds them.
///
/// Only spaces separate tokens (a tab is part of a token), and at most 23 tokens are counted, as
/// memcached stops there; the first eight are kept, which every command but the get family needs.
struct LineTokens {
    static let countLimit = 23
    static let kept = 8

    let base: UnsafeRawPointer
    private(set) var count = 0
    /// The last counted token; memcached reads `noreply` and the `HTTP/` probe from it.
    private(set) var last: Range<Int> = 0..<0
    private var starts: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var ends: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)

    /// Tokenizes `base[start..<end]`; the line must hold no NUL or newline.
    @inline(__always)
    init(_ base: UnsafeRawPointer, from start: Int, to end: Int) {
        self.base = base
        var i = start
        while i < end && count < Self.countLimit {
            while i < end && base.load(fromByteOffset: i, as: UInt8.self) == .space { i &+= 1 }
            guard i < end else { break }
            let tokenStart = i
            while i < end && base.load(fromByteOffset: i, as: UInt8.self) != .space { i &+= 1 }
            append(Range(uncheckedBounds: (tokenStart, i)))
        }
    }

    @inline(__always)
    private mutating func append(_ token: Range<Int>) {
        if count < Self.kept {
            let offset = count * MemoryLayout<Int>.stride
            withUnsafeMutableBytes(of: &starts) {
                $0.storeBytes(of: token.lowerBound, toByteOffset: offset, as: Int.self)
            }
            withUnsafeMutableBytes(of: &ends) {
                $0.storeBytes(of: token.upperBound, toByteOffset: offset, as: Int.self)
            }
        }
        last = token
        count &+= 1
    }

    /// Token `index`, which must be below `count` and `kept`.
    @inline(__always)
    subscript(index: Int) -> Range<Int> {
        let offset = index * MemoryLayout<Int>.stride
        let start = withUnsafeBytes(of: starts) { $0.load(fromByteOffset: offset, as: Int.self) }
        let end = withUnsafeBytes(of: ends) { $0.load(fromByteOffset: offset, as: Int.self) }
        return start..<end
    }

    /// Whether the last token is `noreply`, the only place memcached looks for it.
    var lastIsNoreply: Bool { base.matches(last, "noreply") }
}
