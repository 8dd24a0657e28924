import Protocol
import Replication
import Storage

/// Small builders that turn frames into byte arrays and back, for tests.
enum FrameBytes {
    static func encode(_ body: (ByteBuffer) -> Void) -> [UInt8] {
        let buffer = ByteBuffer(capacity: 64)
        body(buffer)
        return Array(buffer.bytes)
    }

    static func decode(_ bytes: [UInt8], decoder: FrameDecoder = FrameDecoder()) -> FrameDecodeOutcome {
        bytes.withUnsafeBytes { decoder.decode($0) }
    }

    static func item(key: String, value: String, version: Version, flags: UInt32 = 0, expiresAt: Int64 = 0) -> [UInt8] {
        encode { buffer in
            Array(key.utf8).withUnsafeBytes { key in
                Array(value.utf8).withUnsafeBytes { value in
                    FrameEncoder.appendItem(
                        key: key, value: value, flags: flags, expiresAt: expiresAt, version: version, to: buffer)
                }
            }
        }
    }

    /// A tombstone frame is 36 bytes plus its key: handy for frames of an exact size.
    static func tombstone(key: String, version: Version = Version(timestamp: 1, nodeID: 1)) -> [UInt8] {
        encode { buffer in
            Array(key.utf8).withUnsafeBytes { FrameEncoder.appendTombstone(key: $0, version: version, to: buffer) }
        }
    }

    static func tombstone(length: Int, tag: UInt8) -> [UInt8] {
        precondition(length > 36)
        return tombstone(key: String(repeating: Character(Unicode.Scalar(tag)), count: length - 36))
    }
}
