extension UnsafeRawBufferPointer {
    /// Reads a network-byte-order integer at `offset`; frames give no alignment.
    @inline(__always)
    func bigEndian<T: FixedWidthInteger>(at offset: Int, as type: T.Type = T.self) -> T {
        T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
