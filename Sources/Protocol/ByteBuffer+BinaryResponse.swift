extension ByteBuffer {
    public static let binaryResponseMagic: UInt8 = 0x81

    /// Appends a 24-byte binary response header; the caller appends `extrasLength` bytes of extras, then
    /// `keyLength` bytes of key, then the value, `bodyLength` bytes in all. `opaque` goes out as received.
    public func appendBinaryHeader(
        opcode: UInt8, status: BinaryStatus = .success, keyLength: Int = 0, extrasLength: Int = 0,
        bodyLength: Int = 0, opaque: UInt32, cas: UInt64 = 0
    ) {
        reserve(24)
        let header = base + count
        header.storeBytes(of: Self.binaryResponseMagic, as: UInt8.self)
        header.storeBytes(of: opcode, toByteOffset: 1, as: UInt8.self)
        header.storeBytes(of: UInt16(truncatingIfNeeded: keyLength).bigEndian, toByteOffset: 2, as: UInt16.self)
        header.storeBytes(of: UInt8(truncatingIfNeeded: extrasLength), toByteOffset: 4, as: UInt8.self)
        header.storeBytes(of: 0, toByteOffset: 5, as: UInt8.self)
        header.storeBytes(of: status.rawValue.bigEndian, toByteOffset: 6, as: UInt16.self)
        header.storeBytes(of: UInt32(truncatingIfNeeded: bodyLength).bigEndian, toByteOffset: 8, as: UInt32.self)
        header.storeBytes(of: opaque, toByteOffset: 12, as: UInt32.self)
        header.storeBytes(of: cas.bigEndian, toByteOffset: 16, as: UInt64.self)
        commit(24)
    }

    /// A response whose body is the status's error text.
    public func appendBinaryError(_ status: BinaryStatus, opcode: UInt8, opaque: UInt32) {
        let text = status.errorText
        appendBinaryHeader(opcode: opcode, status: status, bodyLength: text.utf8CodeUnitCount, opaque: opaque)
        append(text)
    }

    public func appendBigEndian(_ value: UInt32) {
        reserve(4)
        (base + count).storeBytes(of: value.bigEndian, as: UInt32.self)
        commit(4)
    }

    public func appendBigEndian(_ value: UInt64) {
        reserve(8)
        (base + count).storeBytes(of: value.bigEndian, as: UInt64.self)
        commit(8)
    }
}
