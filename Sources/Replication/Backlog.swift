import Protocol

/// The newest encoded frames of a node's outgoing stream, numbered by stream offset.
///
/// Offset `o` lives at `o % capacity`, so the ring needs no head pointer. Appends take whole frames
/// and the oldest frames are dropped whole, so `startOffset` is always a frame boundary and a
/// partial resync can start there.
public final class Backlog {
    public let capacity: Int
    public private(set) var startOffset: UInt64
    public private(set) var endOffset: UInt64
    private let storage: UnsafeMutableRawPointer

    /// `startOffset` lets a test begin deep in the offset space.
    public init(capacity: Int = 64 << 20, startOffset: UInt64 = 0) {
        precondition(capacity >= FrameHeader.length)
        self.capacity = capacity
        self.startOffset = startOffset
        self.endOffset = startOffset
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        storage.deallocate()
    }

    public var window: BacklogWindow { BacklogWindow(startOffset: startOffset, endOffset: endOffset) }

    /// Bytes held.
    public var count: Int { Int(endOffset - startOffset) }

    public func contains(offset: UInt64) -> Bool {
        window.contains(offset: offset)
    }

    /// Appends one or more whole frames at `endOffset`, dropping the oldest frames to make room.
    public func append(_ frames: UnsafeRawBufferPointer) {
        var rest = frames
        while !rest.isEmpty {
            precondition(rest.count >= FrameHeader.length, "backlog appends take whole frames")
            let length = FrameHeader(rest).frameLength
            precondition(rest.count >= length, "backlog appends take whole frames")
            appendFrame(UnsafeRawBufferPointer(rebasing: rest[..<length]))
            rest = UnsafeRawBufferPointer(rebasing: rest[length...])
        }
    }

    public func append(_ buffer: ByteBuffer) {
        append(buffer.bytes)
    }

    /// The held bytes from `offset` up to `maxLength`, stopping at the ring's seam; call again for
    /// the rest. Valid until the next append.
    public func contiguousBytes(from offset: UInt64, maxLength: Int) -> UnsafeRawBufferPointer {
        precondition(contains(offset: offset), "offset \(offset) is not in the backlog")
        let position = self.position(of: offset)
        let length = min(maxLength, Int(endOffset - offset), capacity - position)
        return UnsafeRawBufferPointer(start: storage + position, count: max(length, 0))
    }

    /// Copies the held bytes from `offset`, up to `maxLength`, to `buffer`; returns how many.
    @discardableResult
    public func copy(from offset: UInt64, maxLength: Int, to buffer: ByteBuffer) -> Int {
        var copied = 0
        while copied < maxLength {
            let piece = contiguousBytes(from: offset + UInt64(copied), maxLength: maxLength - copied)
            if piece.isEmpty { break }
            buffer.append(piece)
            copied += piece.count
        }
        return copied
    }

    private func appendFrame(_ frame: UnsafeRawBufferPointer) {
        guard frame.count <= capacity else {
            // A frame larger than the ring cannot be kept: everything before it is gone too.
            startOffset = endOffset + UInt64(frame.count)
            endOffset = startOffset
            return
        }
        while count + frame.count > capacity {
            startOffset += UInt64(heldFrameLength(at: startOffset))
        }
        let position = self.position(of: endOffset)
        let first = min(frame.count, capacity - position)
        (storage + position).copyMemory(from: frame.baseAddress!, byteCount: first)
        if first < frame.count {
            storage.copyMemory(from: frame.baseAddress! + first, byteCount: frame.count - first)
        }
        endOffset += UInt64(frame.count)
    }

    /// Length of the held frame starting at `offset`, whose header may straddle the seam.
    private func heldFrameLength(at offset: UInt64) -> Int {
        var bodyLength = 0
        for index in 8..<12 {
            let byte = storage.load(fromByteOffset: position(of: offset + UInt64(index)), as: UInt8.self)
            bodyLength = bodyLength << 8 | Int(byte)
        }
        return FrameHeader.length + bodyLength
    }

    private func position(of offset: UInt64) -> Int {
        Int(offset % UInt64(capacity))
    }
}
