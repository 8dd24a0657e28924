import Storage

/// Decodes replication frames without blocking: it answers "need more data" until a whole frame is there.
///
/// The header is checked as soon as its 24 bytes arrive, so a bad or oversized frame is refused
/// before its body is buffered.
public struct FrameDecoder: Sendable {
    /// The HMAC-SHA256 and nonce length.
    public static let nonceLength = 32
    public static let macLength = 32

    public var maxKeyLength: Int
    public var maxValueLength: Int
    public var maxErrorLength: Int

    public init(maxKeyLength: Int = 250, maxValueLength: Int = 2 << 20, maxErrorLength: Int = 4096) {
        self.maxKeyLength = maxKeyLength
        self.maxValueLength = maxValueLength
        self.maxErrorLength = maxErrorLength
    }

    public func decode(_ bytes: UnsafeRawBufferPointer) -> FrameDecodeOutcome {
        guard bytes.count >= FrameHeader.length else {
            // The first two bytes alone can already tell that this is not a replication stream.
            if bytes.count >= 1, bytes[0] != ReplicationOpcode.dialerMagic, bytes[0] != ReplicationOpcode.acceptorMagic
            {
                return .invalid("bad magic")
            }
            if bytes.count >= 2, ReplicationOpcode(rawValue: bytes[1]) == nil { return .invalid("unknown opcode") }
            return .needMoreData
        }
        let header = FrameHeader(bytes)
        guard header.magic == ReplicationOpcode.dialerMagic || header.magic == ReplicationOpcode.acceptorMagic else {
            return .invalid("bad magic")
        }
        guard let opcode = ReplicationOpcode(rawValue: header.opcode) else { return .invalid("unknown opcode") }
        if let reason = check(header, opcode: opcode) { return .invalid(reason) }
        guard bytes.count >= header.frameLength else { return .needMoreData }
        return parseBody(bytes, header: header, opcode: opcode)
    }

    /// Everything the header alone can prove wrong.
    private func check(_ header: FrameHeader, opcode: ReplicationOpcode) -> String? {
        if let magic = opcode.magic, header.magic != magic { return "bad magic for \(opcode)" }
        guard header.dataType == 0 else { return "bad data type" }
        guard header.extrasLength == opcode.extrasLength else { return "bad extras length for \(opcode)" }
        guard header.bodyLength >= header.extrasLength + header.keyLength else {
            return "body shorter than extras and key"
        }
        let key = header.keyLength
        let value = header.valueLength
        switch opcode {
        case .hello:
            guard (1...maxKeyLength).contains(key) else { return "bad node name length" }
            guard value == FrameDecoder.nonceLength else { return "bad nonce length" }
        case .welcome:
            guard (1...maxKeyLength).contains(key) else { return "bad node name length" }
            guard value == FrameDecoder.nonceLength || value == FrameDecoder.nonceLength + FrameDecoder.macLength else {
                return "bad welcome value length"
            }
        case .proof:
            guard key == 0, value == 0 || value == FrameDecoder.macLength else { return "bad proof length" }
        case .item:
            guard (1...maxKeyLength).contains(key) else { return "bad key length" }
            guard value <= maxValueLength else { return "value over the limit" }
        case .tombstone:
            guard (1...maxKeyLength).contains(key), value == 0 else { return "bad tombstone length" }
        case .error:
            guard key == 0, value <= maxErrorLength else { return "bad error length" }
        case .fetch:
            guard (1...maxKeyLength).contains(key), value == 0 else { return "bad fetch length" }
        case .fetched:
            guard key <= maxKeyLength, value <= maxValueLength else { return "bad fetched length" }
        case .streamStart, .flush, .fullSyncDone, .ack, .writeTime:
            guard key == 0, value == 0 else { return "unexpected key or value for \(opcode)" }
        }
        return nil
    }

    private func parseBody(_ bytes: UnsafeRawBufferPointer, header: FrameHeader, opcode: ReplicationOpcode)
        -> FrameDecodeOutcome
    {
        let extras = FrameHeader.length
        let key = extras + header.extrasLength
        let value = key + header.keyLength
        let end = header.frameLength
        let frame: ReplicationFrame
        switch opcode {
        case .hello:
            frame = .hello(
                HelloFrame(
                    protocolVersion: bytes.bigEndian(at: extras), nodeID: bytes.bigEndian(at: extras + 2),
                    replicationID: bytes.bigEndian(at: extras + 6), nextOffset: bytes.bigEndian(at: extras + 14),
                    nodeName: String(decoding: bytes[key..<value], as: UTF8.self), nonce: Array(bytes[value..<end])))
        case .welcome:
            let macStart = value + FrameDecoder.nonceLength
            frame = .welcome(
                WelcomeFrame(
                    nodeID: bytes.bigEndian(at: extras), lastReplicationID: bytes.bigEndian(at: extras + 4),
                    nextOffset: bytes.bigEndian(at: extras + 12),
                    nodeName: String(decoding: bytes[key..<value], as: UTF8.self),
                    nonce: Array(bytes[value..<macStart]), mac: Array(bytes[macStart..<end])))
        case .proof:
            frame = .proof(mac: Array(bytes[value..<end]))
        case .streamStart:
            guard let mode = StreamMode(rawValue: bytes[extras]) else { return .invalid("unknown stream mode") }
            frame = .streamStart(
                StreamStartFrame(
                    mode: mode, replicationID: bytes.bigEndian(at: extras + 1),
                    firstOffset: bytes.bigEndian(at: extras + 9)))
        case .item:
            frame = .item(
                ItemFrame(
                    flags: bytes.bigEndian(at: extras), expiresAt: bytes.bigEndian(at: extras + 4),
                    version: Version(
                        timestamp: bytes.bigEndian(at: extras + 12), nodeID: bytes.bigEndian(at: extras + 20)),
                    key: key..<value, value: value..<end))
        case .tombstone:
            frame = .tombstone(
                TombstoneFrame(
                    version: Version(timestamp: bytes.bigEndian(at: extras), nodeID: bytes.bigEndian(at: extras + 8)),
                    key: key..<value))
        case .flush:
            frame = .flush(
                atMilliseconds: bytes.bigEndian(at: extras),
                version: Version(timestamp: bytes.bigEndian(at: extras + 8), nodeID: bytes.bigEndian(at: extras + 16)))
        case .fullSyncDone:
            frame = .fullSyncDone(offset: bytes.bigEndian(at: extras))
        case .ack:
            frame = .ack(offset: bytes.bigEndian(at: extras))
        case .writeTime:
            frame = .writeTime(unixNanoseconds: bytes.bigEndian(at: extras))
        case .error:
            frame = .error(message: String(decoding: bytes[value..<end], as: UTF8.self))
        case .fetch:
            frame = .fetch(requestID: bytes.bigEndian(at: extras), key: key..<value)
        case .fetched:
            var item: ItemFrame?
            if bytes[extras + 8] != 0 {
                guard header.keyLength > 0 else { return .invalid("fetched item without a key") }
                item = ItemFrame(
                    flags: bytes.bigEndian(at: extras + 9), expiresAt: bytes.bigEndian(at: extras + 13),
                    version: Version(
                        timestamp: bytes.bigEndian(at: extras + 21), nodeID: bytes.bigEndian(at: extras + 29)),
                    key: key..<value, value: value..<end)
            }
            frame = .fetched(requestID: bytes.bigEndian(at: extras), item: item)
        }
        return .frame(frame, consumed: end)
    }
}
