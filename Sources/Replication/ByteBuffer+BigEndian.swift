import Protocol

extension ByteBuffer {
    /// Appends `value` in network byte order, as every binary-protocol field is.
    @inline(__always)
    func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        let space = writableSpace(minimum: MemoryLayout<T>.size)
        space.storeBytes(of: value.bigEndian, toByteOffset: 0, as: T.self)
        commit(MemoryLayout<T>.size)
    }

    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }
}
