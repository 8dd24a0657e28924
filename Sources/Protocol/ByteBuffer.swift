/// A growable byte buffer with stable, manually managed storage.
///
/// Connections keep one for reading and one for replies for their whole life, so the
/// hot path appends into memory that is already there instead of allocating per request.
public final class ByteBuffer {
    // Unchecked: no method lets another access these while it changes them, and Swift's dynamic exclusivity
    // check of a class property (a thread-local access set) cost more than a small append itself.
    @exclusivity(unchecked) public private(set) var base: UnsafeMutableRawPointer
    @exclusivity(unchecked) public private(set) var capacity: Int
    /// Bytes in use, starting at `base`.
    @exclusivity(unchecked) public private(set) var count: Int = 0

    public init(capacity: Int = 16 * 1024) {
        self.capacity = max(capacity, 64)
        self.base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit {
        base.deallocate()
    }

    public var isEmpty: Bool { count == 0 }

    /// The bytes in use; valid until the next mutation.
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }

    /// Space after the bytes in use, at least `minimum` bytes; fill it, then `commit`.
    public func writableSpace(minimum: Int) -> UnsafeMutableRawBufferPointer {
        reserve(minimum)
        return UnsafeMutableRawBufferPointer(start: base + count, count: capacity - count)
    }

    /// Marks `n` bytes written into `writableSpace` as in use.
    public func commit(_ n: Int) {
        precondition(n >= 0 && count + n <= capacity)
        count += n
    }

    public func reserve(_ additional: Int) {
        let needed = count + additional
        guard needed > capacity else { return }
        var newCapacity = capacity
        while newCapacity < needed { newCapacity &*= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Gives memory back after a burst made the buffer large.
    public func shrink(to target: Int) {
        guard capacity > target, count <= target else { return }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: target, alignment: 16)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = target
    }

    /// Drops everything after the first `newCount` bytes.
    public func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count)
        count = newCount
    }

    public func removeAll() {
        count = 0
    }

    /// Drops the first `n` bytes, moving the rest to the front.
    public func removeFirst(_ n: Int) {
        precondition(n >= 0 && n <= count)
        if n == count {
            count = 0
            return
        }
        (base).copyMemory(from: base + n, byteCount: count - n)
        count -= n
    }

    @inline(__always)
    public func append(_ byte: UInt8) {
        if count == capacity { reserve(1) }
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    public func append(_ source: UnsafeRawBufferPointer) {
        guard let start = source.baseAddress, source.count > 0 else { return }
        if count + source.count > capacity { reserve(source.count) }
        (base + count).copyMemory(from: start, byteCount: source.count)
        count += source.count
    }

    public func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    @inline(__always)
    public func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    public func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends the decimal digits of `value`.
    public func appendDecimal(_ value: UInt64) {
        reserve(20)
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch on the stack
        withUnsafeMutableBytes(of: &digits) { scratch in
            var v = value
            var i = scratch.count
            repeat {
                i -= 1
                scratch[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
                v /= 10
            } while v > 0
            let n = scratch.count - i
            (base + count).copyMemory(from: scratch.baseAddress! + i, byteCount: n)
            count += n
        }
    }

    public func appendDecimal(_ value: Int64) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(value.magnitude)
        } else {
            appendDecimal(UInt64(value))
        }
    }

    public func appendDecimal(_ value: Int) {
        appendDecimal(Int64(value))
    }
}
