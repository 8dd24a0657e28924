import Protocol
import Storage

/// Appends replication frames to a `ByteBuffer`; each function writes exactly one whole frame.
public enum FrameEncoder {
    public static func appendHello(_ hello: HelloFrame, to buffer: ByteBuffer) {
        var name = hello.nodeName
        name.withUTF8 { name in
            appendHeader(.hello, keyLength: name.count, valueLength: hello.nonce.count, to: buffer)
            buffer.appendBigEndian(hello.protocolVersion)
            buffer.appendBigEndian(hello.nodeID)
            buffer.appendBigEndian(hello.replicationID)
            buffer.appendBigEndian(hello.nextOffset)
            buffer.append(UnsafeRawBufferPointer(name))
        }
        buffer.append(hello.nonce)
    }

    public static func appendWelcome(_ welcome: WelcomeFrame, to buffer: ByteBuffer) {
        var name = welcome.nodeName
        name.withUTF8 { name in
            let valueLength = welcome.nonce.count + welcome.mac.count
            appendHeader(.welcome, keyLength: name.count, valueLength: valueLength, to: buffer)
            buffer.appendBigEndian(welcome.nodeID)
            buffer.appendBigEndian(welcome.lastReplicationID)
            buffer.appendBigEndian(welcome.nextOffset)
            buffer.append(UnsafeRawBufferPointer(name))
        }
        buffer.append(welcome.nonce)
        buffer.append(welcome.mac)
    }

    public static func appendProof(mac: [UInt8], to buffer: ByteBuffer) {
        appendHeader(.proof, keyLength: 0, valueLength: mac.count, to: buffer)
        buffer.append(mac)
    }

    public static func appendStreamStart(_ start: StreamStartFrame, to buffer: ByteBuffer) {
        appendHeader(.streamStart, keyLength: 0, valueLength: 0, to: buffer)
        buffer.append(start.mode.rawValue)
        buffer.appendBigEndian(start.replicationID)
        buffer.appendBigEndian(start.firstOffset)
    }

    public static func appendItem(
        key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, flags: UInt32, expiresAt: Int64,
        version: Version, to buffer: ByteBuffer
    ) {
        appendHeader(.item, keyLength: key.count, valueLength: value.count, to: buffer)
        buffer.appendBigEndian(flags)
        buffer.appendBigEndian(expiresAt)
        buffer.appendBigEndian(version.timestamp)
        buffer.appendBigEndian(version.nodeID)
        buffer.append(key)
        buffer.append(value)
    }

    public static func appendTombstone(key: UnsafeRawBufferPointer, version: Version, to buffer: ByteBuffer) {
        appendHeader(.tombstone, keyLength: key.count, valueLength: 0, to: buffer)
        buffer.appendBigEndian(version.timestamp)
        buffer.appendBigEndian(version.nodeID)
        buffer.append(key)
    }

    public static func appendFlush(atMilliseconds: Int64, version: Version, to buffer: ByteBuffer) {
        appendHeader(.flush, keyLength: 0, valueLength: 0, to: buffer)
        buffer.appendBigEndian(atMilliseconds)
        buffer.appendBigEndian(version.timestamp)
        buffer.appendBigEndian(version.nodeID)
    }

    public static func appendFullSyncDone(offset: UInt64, to buffer: ByteBuffer) {
        appendHeader(.fullSyncDone, keyLength: 0, valueLength: 0, to: buffer)
        buffer.appendBigEndian(offset)
    }

    public static func appendAck(offset: UInt64, to buffer: ByteBuffer) {
        appendHeader(.ack, keyLength: 0, valueLength: 0, to: buffer)
        buffer.appendBigEndian(offset)
    }

    public static func appendWriteTime(unixNanoseconds: UInt64, to buffer: ByteBuffer) {
        appendHeader(.writeTime, keyLength: 0, valueLength: 0, to: buffer)
        buffer.appendBigEndian(unixNanoseconds)
    }

    public static func appendFetch(requestID: UInt64, key: UnsafeRawBufferPointer, to buffer: ByteBuffer) {
        appendHeader(.fetch, keyLength: key.count, valueLength: 0, to: buffer)
        buffer.appendBigEndian(requestID)
        buffer.append(key)
    }

    /// A FETCHED answer: `item` is the key's live state, nil when there is none (then no key either).
    public static func appendFetched(requestID: UInt64, item: ItemState?, to buffer: ByteBuffer) {
        guard let item, !item.isTombstone else {
            appendHeader(.fetched, keyLength: 0, valueLength: 0, to: buffer)
            buffer.appendBigEndian(requestID)
            buffer.append(UInt8(0))
            buffer.appendBigEndian(UInt32(0))
            buffer.appendBigEndian(Int64(0))
            buffer.appendBigEndian(UInt64(0))
            buffer.appendBigEndian(UInt32(0))
            return
        }
        appendHeader(.fetched, keyLength: item.key.count, valueLength: item.value.count, to: buffer)
        buffer.appendBigEndian(requestID)
        buffer.append(UInt8(1))
        buffer.appendBigEndian(item.flags)
        buffer.appendBigEndian(item.expiresAt)
        buffer.appendBigEndian(item.version.timestamp)
        buffer.appendBigEndian(item.version.nodeID)
        buffer.append(item.key)
        buffer.append(item.value)
    }

    /// An ERROR frame; `magic` says which side sends it.
    public static func appendError(_ message: String, magic: UInt8, to buffer: ByteBuffer) {
        var message = message
        message.withUTF8 { text in
            appendHeader(.error, magic: magic, keyLength: 0, valueLength: text.count, to: buffer)
            buffer.append(UnsafeRawBufferPointer(text))
        }
    }

    /// Encodes a decoded frame again; records take their key and value from `source`.
    public static func append(
        _ frame: ReplicationFrame, source: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        errorMagic: UInt8 = ReplicationOpcode.dialerMagic, to buffer: ByteBuffer
    ) {
        switch frame {
        case .hello(let hello): appendHello(hello, to: buffer)
        case .welcome(let welcome): appendWelcome(welcome, to: buffer)
        case .proof(let mac): appendProof(mac: mac, to: buffer)
        case .streamStart(let start): appendStreamStart(start, to: buffer)
        case .item(let item):
            appendItem(
                key: UnsafeRawBufferPointer(rebasing: source[item.key]),
                value: UnsafeRawBufferPointer(rebasing: source[item.value]), flags: item.flags,
                expiresAt: item.expiresAt, version: item.version, to: buffer)
        case .tombstone(let tombstone):
            appendTombstone(
                key: UnsafeRawBufferPointer(rebasing: source[tombstone.key]), version: tombstone.version, to: buffer)
        case .flush(let atMilliseconds, let version):
            appendFlush(atMilliseconds: atMilliseconds, version: version, to: buffer)
        case .fullSyncDone(let offset): appendFullSyncDone(offset: offset, to: buffer)
        case .ack(let offset): appendAck(offset: offset, to: buffer)
        case .writeTime(let nanoseconds): appendWriteTime(unixNanoseconds: nanoseconds, to: buffer)
        case .error(let message): appendError(message, magic: errorMagic, to: buffer)
        case .fetch(let requestID, let key):
            appendFetch(requestID: requestID, key: UnsafeRawBufferPointer(rebasing: source[key]), to: buffer)
        case .fetched(let requestID, let item):
            appendFetched(
                requestID: requestID,
                item: item.map {
                    ItemState(
                        key: UnsafeRawBufferPointer(rebasing: source[$0.key]), isTombstone: false, flags: $0.flags,
                        expiresAt: $0.expiresAt, value: UnsafeRawBufferPointer(rebasing: source[$0.value]),
                        version: $0.version)
                }, to: buffer)
        }
    }

    /// Encodes one frame into a fresh array, for the few control frames sent outside the backlog.
    static func bytes(_ encode: (ByteBuffer) -> Void) -> [UInt8] {
        let buffer = ByteBuffer(capacity: 128)
        encode(buffer)
        return Array(buffer.bytes)
    }

    private static func appendHeader(
        _ opcode: ReplicationOpcode, magic: UInt8? = nil, keyLength: Int, valueLength: Int, to buffer: ByteBuffer
    ) {
        let extrasLength = opcode.extrasLength
        precondition(keyLength <= Int(UInt16.max), "key too long for a frame")
        let space = buffer.writableSpace(minimum: FrameHeader.length)
        space.storeBytes(of: magic ?? opcode.magic ?? ReplicationOpcode.dialerMagic, toByteOffset: 0, as: UInt8.self)
        space.storeBytes(of: opcode.rawValue, toByteOffset: 1, as: UInt8.self)
        space.storeBytes(of: UInt16(keyLength).bigEndian, toByteOffset: 2, as: UInt16.self)
        space.storeBytes(of: UInt8(extrasLength), toByteOffset: 4, as: UInt8.self)
        space.storeBytes(of: UInt8(0), toByteOffset: 5, as: UInt8.self)
        space.storeBytes(of: UInt16(0), toByteOffset: 6, as: UInt16.self)
        let bodyLength = UInt32(extrasLength + keyLength + valueLength)
        space.storeBytes(of: bodyLength.bigEndian, toByteOffset: 8, as: UInt32.self)
        space.storeBytes(of: UInt32(0), toByteOffset: 12, as: UInt32.self)
        space.storeBytes(of: UInt64(0), toByteOffset: 16, as: UInt64.self)
        buffer.commit(FrameHeader.length)
    }
}
