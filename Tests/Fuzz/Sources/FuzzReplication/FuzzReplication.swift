import FuzzSupport
import Protocol
import Replication
import Storage

/// The replication frame decoder on any bytes (a peer is trusted only after the handshake, and
/// a broken stream must close, not crash): needMoreData, a frame within the input or invalid,
/// the same for the same bytes; and an item record built from the input encodes and decodes
/// back to the same fields.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReplication(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let decoder = FrameDecoder(maxKeyLength: 250, maxValueLength: 4096)
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var offset = 0
    var steps = 0
    decoding: while offset < bytes.count {
        steps += 1
        invariant(steps <= bytes.count + 1, "no progress at \(offset)")
        let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
        let outcome = decoder.decode(rest)
        invariant(decoder.decode(rest) == outcome, "same bytes, different outcome")
        switch outcome {
        case .needMoreData, .invalid:
            break decoding
        case .frame(let frame, let consumed):
            invariant(consumed > 0 && consumed <= rest.count, "frame consumed \(consumed) of \(rest.count)")
            switch frame {
            case .item(let item), .fetched(_, .some(let item)):
                invariant(item.key.upperBound <= consumed && item.value.upperBound <= consumed, "ranges past the frame")
            case .fetch(_, let key):
                invariant(!key.isEmpty && key.upperBound <= consumed, "fetch key past the frame")
            default:
                break
            }
            offset += consumed
        }
    }
    roundTrip(bytes)
    return 0
}

/// An item record made of the input's bytes (a key of 1 to 250 of them) decodes to exactly what
/// was encoded.
private func roundTrip(_ bytes: UnsafeRawBufferPointer) {
    guard bytes.count > 25 else { return }
    var reader = bytes.makeIterator()
    func next64() -> UInt64 { (0..<8).reduce(0) { value, _ in value << 8 | UInt64(reader.next() ?? 0) } }
    let flags = UInt32(truncatingIfNeeded: next64())
    let expiresAt = Int64(bitPattern: next64())
    let version = Version(timestamp: next64(), nodeID: UInt32(bytes[24]))
    let payload = UnsafeRawBufferPointer(rebasing: bytes[25...])
    let keyLength = min(payload.count, 1 + Int(bytes[24]) % 250)
    let key = UnsafeRawBufferPointer(rebasing: payload[..<keyLength])
    let value = UnsafeRawBufferPointer(rebasing: payload[keyLength...].prefix(4096))
    let buffer = ByteBuffer(capacity: 64)
    FrameEncoder.appendItem(key: key, value: value, flags: flags, expiresAt: expiresAt, version: version, to: buffer)
    guard
        case .frame(.item(let item), let consumed) = FrameDecoder(maxKeyLength: 250, maxValueLength: 4096).decode(
            buffer.bytes)
    else {
        invariant(
            false,
            "an encoded item did not decode: \(FrameDecoder(maxKeyLength: 250, maxValueLength: 4096).decode(buffer.bytes))"
        )
        return
    }
    invariant(consumed == buffer.count, "decoded \(consumed) of \(buffer.count) bytes")
    invariant(item.flags == flags && item.expiresAt == expiresAt && item.version == version, "fields changed")
    invariant(
        buffer.bytes[item.key].elementsEqual(key) && buffer.bytes[item.value].elementsEqual(value), "bytes changed")
}
