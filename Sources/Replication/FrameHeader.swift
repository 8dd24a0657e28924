/// The 24-byte binary-protocol header every replication frame starts with.
struct FrameHeader {
    static let length = 24

    var magic: UInt8
    var opcode: UInt8
    var keyLength: Int
    var extrasLength: Int
    var dataType: UInt8
    var bodyLength: Int

    /// Reads the header at the start of `bytes`, which holds at least `length` bytes.
    init(_ bytes: UnsafeRawBufferPointer) {
        magic = bytes[0]
        opcode = bytes[1]
        keyLength = Int(bytes.bigEndian(at: 2, as: UInt16.self))
        extrasLength = Int(bytes[4])
        dataType = bytes[5]
        bodyLength = Int(bytes.bigEndian(at: 8, as: UInt32.self))
    }

    var frameLength: Int { FrameHeader.length + bodyLength }
    var valueLength: Int { bodyLength - extrasLength - keyLength }
}
