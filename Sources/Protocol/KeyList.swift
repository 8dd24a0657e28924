/// The keys of a `get`/`gets`/`gat`/`gats` request, read in place from the parsed buffer.
///
/// Keys are not length-checked by the parser: memcached looks up keys in order and, at the first key
/// longer than 250 bytes, stops and replies `CLIENT_ERROR bad command line format` alone, dropping the
/// `VALUE`s of the earlier keys (the touches of `gat` stay done). Compare each key's `count` with
/// `TextParser.maxKeyLength` as it comes.
public struct KeyList: Sequence {
    public let bytes: UnsafeRawBufferPointer
    public let keys: Range<Int>

    /// `keys` is `RetrieveRequest.keys`; `bytes` the buffer that was parsed.
    public init(_ bytes: UnsafeRawBufferPointer, keys: Range<Int>) {
        precondition(keys.lowerBound >= 0 && keys.upperBound <= bytes.count)
        self.bytes = bytes
        self.keys = keys
    }

    public func makeIterator() -> Iterator {
        Iterator(base: bytes.baseAddress, position: keys.lowerBound, end: keys.upperBound)
    }

    /// Yields each key as a range of offsets into the parsed buffer.
    public struct Iterator: IteratorProtocol {
        let base: UnsafeRawPointer?
        var position: Int
        let end: Int

        @inline(__always)
        public mutating func next() -> Range<Int>? {
            guard let base else { return nil }
            while position < end && base.byte(position) == .space { position += 1 }
            guard position < end else { return nil }
            let start = position
            while position < end && base.byte(position) != .space { position += 1 }
            return start..<position
        }
    }
}
