import Protocol
import Replication
import Storage
import Testing

private let version = Version(milliseconds: 1_700_000_000_123, counter: 7, nodeID: 0xDEAD_BEEF)
private let nonce = (0..<32).map { UInt8($0) }
private let mac = (0..<32).map { UInt8(255 - $0) }

/// One encoded sample of every frame, with the frame it must decode to (records checked by bytes).
private let samples: [(name: String, bytes: [UInt8])] = [
    (
        "hello",
        FrameBytes.encode {
            FrameEncoder.appendHello(
                HelloFrame(
                    protocolVersion: 1, nodeID: 42, replicationID: 0x0102_0304_0506_0708, nextOffset: 99,
                    nodeName: "node-a", nonce: nonce), to: $0)
        }
    ),
    (
        "welcome with mac",
        FrameBytes.encode {
            FrameEncoder.appendWelcome(
                WelcomeFrame(
                    nodeID: 7, lastReplicationID: 5, nextOffset: 1 << 40, nodeName: "b", nonce: nonce, mac: mac), to: $0
            )
        }
    ),
    (
        "welcome without mac",
        FrameBytes.encode {
            FrameEncoder.appendWelcome(
                WelcomeFrame(nodeID: 7, lastReplicationID: 0, nextOffset: 0, nodeName: "b", nonce: nonce, mac: []),
                to: $0)
        }
    ),
    ("proof", FrameBytes.encode { FrameEncoder.appendProof(mac: mac, to: $0) }),
    ("empty proof", FrameBytes.encode { FrameEncoder.appendProof(mac: [], to: $0) }),
    (
        "stream start",
        FrameBytes.encode {
            FrameEncoder.appendStreamStart(StreamStartFrame(mode: .full, replicationID: 3, firstOffset: 1234), to: $0)
        }
    ),
    ("item", FrameBytes.item(key: "k", value: "some value", version: version, flags: 0xFFFF_FFFF, expiresAt: -1)),
    ("item with empty value", FrameBytes.item(key: "key", value: "", version: version)),
    ("tombstone", FrameBytes.tombstone(key: "gone", version: version)),
    ("flush", FrameBytes.encode { FrameEncoder.appendFlush(atMilliseconds: -5, version: version, to: $0) }),
    ("full sync done", FrameBytes.encode { FrameEncoder.appendFullSyncDone(offset: UInt64.max, to: $0) }),
    ("ack", FrameBytes.encode { FrameEncoder.appendAck(offset: 77, to: $0) }),
    (
        "write time",
        FrameBytes.encode { FrameEncoder.appendWriteTime(unixNanoseconds: 1_800_000_000_123_456_789, to: $0) }
    ),
    (
        "error from acceptor",
        FrameBytes.encode { FrameEncoder.appendError("authentication failed", magic: 0x81, to: $0) }
    ),
    ("error from dialer", FrameBytes.encode { FrameEncoder.appendError("", magic: 0x80, to: $0) }),
    (
        "fetch",
        FrameBytes.encode { buffer in
            Array("sid-n1".utf8).withUnsafeBytes { FrameEncoder.appendFetch(requestID: 9, key: $0, to: buffer) }
        }
    ),
    ("fetched miss", FrameBytes.encode { FrameEncoder.appendFetched(requestID: UInt64.max, item: nil, to: $0) }),
    (
        "fetched item",
        FrameBytes.encode { buffer in
            Array("sid-n1".utf8).withUnsafeBytes { key in
                Array("session bytes".utf8).withUnsafeBytes { value in
                    FrameEncoder.appendFetched(
                        requestID: 3,
                        item: ItemState(
                            key: key, isTombstone: false, flags: 17, expiresAt: 1_800_003_600, value: value,
                            version: version), to: buffer)
                }
            }
        }
    ),
]

@Test(arguments: samples.indices)
func everyFrameRoundTrips(index: Int) throws {
    let bytes = samples[index].bytes
    guard case .frame(let frame, let consumed) = FrameBytes.decode(bytes) else {
        Issue.record("\(samples[index].name) did not decode: \(FrameBytes.decode(bytes))")
        return
    }
    #expect(consumed == bytes.count)
    let again = bytes.withUnsafeBytes { source in
        FrameBytes.encode { FrameEncoder.append(frame, source: source, errorMagic: bytes[0], to: $0) }
    }
    #expect(again == bytes, "\(samples[index].name)")
}

@Test func fetchedItemDecodesToItsFields() {
    let bytes = samples.first { $0.name == "fetched item" }!.bytes
    guard case .frame(.fetched(let requestID, let item?), _) = FrameBytes.decode(bytes) else {
        Issue.record("no fetched item: \(FrameBytes.decode(bytes))")
        return
    }
    #expect(requestID == 3)
    #expect(item.flags == 17 && item.expiresAt == 1_800_003_600 && item.version == version)
    #expect(Array(bytes[item.key]) == Array("sid-n1".utf8))
    #expect(Array(bytes[item.value]) == Array("session bytes".utf8))
}

@Test func fetchWithoutKeyIsRefused() {
    let bytes = FrameBytes.encode {
        FrameEncoder.appendFetch(requestID: 1, key: UnsafeRawBufferPointer(start: nil, count: 0), to: $0)
    }
    #expect(FrameBytes.decode(bytes) == .invalid("bad fetch length"))
}

@Test(arguments: samples.indices)
func everyFrameDecodesByteAtATime(index: Int) {
    let bytes = samples[index].bytes
    for length in 0..<bytes.count {
        #expect(FrameBytes.decode(Array(bytes[..<length])) == .needMoreData, "\(samples[index].name) at \(length)")
    }
    #expect(FrameBytes.decode(bytes) != .needMoreData)
}

@Test(arguments: samples.indices)
func frameFollowedByAnotherConsumesOnlyItself(index: Int) {
    let bytes = samples[index].bytes
    let pipelined = bytes + FrameBytes.encode { FrameEncoder.appendAck(offset: 1, to: $0) }
    guard case .frame(_, let consumed) = FrameBytes.decode(pipelined) else {
        Issue.record("pipelined \(samples[index].name) did not decode")
        return
    }
    #expect(consumed == bytes.count)
}

@Test func itemFieldsPointIntoTheBuffer() {
    let bytes = FrameBytes.item(key: "alpha", value: "beta", version: version, flags: 9, expiresAt: 1_800_000_000)
    guard case .frame(.item(let item), _) = FrameBytes.decode(bytes) else {
        Issue.record("not an item")
        return
    }
    #expect(Array(bytes[item.key]) == Array("alpha".utf8))
    #expect(Array(bytes[item.value]) == Array("beta".utf8))
    #expect(item.flags == 9)
    #expect(item.expiresAt == 1_800_000_000)
    #expect(item.version == version)
}

@Test func handshakeFieldsSurviveTheWire() {
    let hello = HelloFrame(
        protocolVersion: 1, nodeID: 0xFFFF_FFFF, replicationID: UInt64.max, nextOffset: 1 << 50, nodeName: "nœud",
        nonce: nonce)
    let bytes = FrameBytes.encode { FrameEncoder.appendHello(hello, to: $0) }
    #expect(FrameBytes.decode(bytes) == .frame(.hello(hello), consumed: bytes.count))
    #expect(Array(bytes[0..<2]) == [0x80, 0x70])
}

/// Header fields at the spec's byte positions: magic, opcode, key length, extras, data type, body length.
@Test func headerLayoutFollowsTheBinaryProtocol() {
    let bytes = FrameBytes.item(key: "abc", value: "0123456789", version: version)
    #expect(bytes[0] == 0x80)
    #expect(bytes[1] == 0x74)
    #expect(Array(bytes[2..<4]) == [0, 3])
    #expect(bytes[4] == 24)
    #expect(bytes[5] == 0)
    #expect(Array(bytes[8..<12]) == [0, 0, 0, 24 + 3 + 10])
    #expect(bytes.count == 24 + 24 + 3 + 10)
    let ack = FrameBytes.encode { FrameEncoder.appendAck(offset: 0x0102, to: $0) }
    #expect(ack[0] == 0x81)
    #expect(Array(ack[24..<32]) == [0, 0, 0, 0, 0, 0, 1, 2])
}

private func corrupted(_ bytes: [UInt8], _ change: (inout [UInt8]) -> Void) -> [UInt8] {
    var bytes = bytes
    change(&bytes)
    return bytes
}

private let item = FrameBytes.item(key: "k", value: "v", version: version)
private let streamStart = FrameBytes.encode {
    FrameEncoder.appendStreamStart(StreamStartFrame(mode: .partial, replicationID: 1, firstOffset: 0), to: $0)
}

private let corruptions: [(name: String, bytes: [UInt8])] = [
    ("text protocol", Array("get k\r\n".utf8)),
    ("bad magic", corrupted(item) { $0[0] = 0x82 }),
    ("memcached get opcode", corrupted(item) { $0[1] = 0x00 }),
    ("unknown opcode", corrupted(item) { $0[1] = 0x7A }),
    ("item with acceptor magic", corrupted(item) { $0[0] = 0x81 }),
    (
        "ack with dialer magic",
        corrupted(FrameBytes.encode { FrameEncoder.appendAck(offset: 1, to: $0) }) { $0[0] = 0x80 }
    ),
    ("wrong extras length", corrupted(item) { $0[4] = 20 }),
    ("data type set", corrupted(item) { $0[5] = 1 }),
    ("body shorter than extras and key", corrupted(item) { $0[11] = 24 }),
    ("item without key", corrupted(item) { $0[3] = 0 }),
    (
        "key over the limit",
        corrupted(item) {
            $0[2] = 1
            $0[10] = 1
        }
    ),
    ("value over the limit", Array(corrupted(item) { $0[8] = 0x7F }[..<24])),
    ("stream mode unknown", corrupted(streamStart) { $0[24] = 2 }),
    ("stream start with a value", corrupted(streamStart + [0]) { $0[11] += 1 }),
    ("hello with a short nonce", corrupted(samples[0].bytes.dropLast()) { $0[11] -= 1 }),
]

@Test(arguments: corruptions.indices)
func corruptFramesAreInvalid(index: Int) {
    let outcome = FrameBytes.decode(corruptions[index].bytes)
    guard case .invalid = outcome else {
        Issue.record("\(corruptions[index].name): \(outcome)")
        return
    }
}

@Test func oversizedValueIsRefusedFromItsHeaderAlone() {
    let decoder = FrameDecoder(maxValueLength: 16)
    let big = FrameBytes.item(key: "k", value: String(repeating: "x", count: 17), version: version)
    #expect(FrameBytes.decode(Array(big[..<24]), decoder: decoder) == .invalid("value over the limit"))
    let fits = FrameBytes.item(key: "k", value: String(repeating: "x", count: 16), version: version)
    guard case .frame = FrameBytes.decode(fits, decoder: decoder) else {
        Issue.record("a value at the limit must decode")
        return
    }
}
