import Protocol
import Replication
import Storage
import Testing

private let version = Version(milliseconds: 1_800_000_000_000, counter: 0, nodeID: 1)

/// The frames in `bytes`: each WRITE TIME's time, and "record" for the rest.
private func frames(_ bytes: [UInt8]) -> [String] {
    var names: [String] = []
    var rest = bytes[...]
    while !rest.isEmpty {
        let outcome = Array(rest).withUnsafeBytes { FrameDecoder().decode($0) }
        guard case .frame(let frame, let length) = outcome else {
            names.append("partial")
            break
        }
        if case .writeTime(let nanoseconds) = frame {
            names.append("time \(nanoseconds)")
        } else {
            names.append("record")
        }
        rest = rest.dropFirst(length)
    }
    return names
}

private struct Stream {
    let backlog = Backlog(capacity: 4096)
    var stamper = WriteTimeStamper()
    let item = FrameBytes.item(key: "k", value: "v", version: version)

    mutating func write(at time: UInt64) {
        item.withUnsafeBytes { backlog.append($0) }
        if stamper.wantsWriteTime { stamper.appended(writtenAt: time) }
    }

    mutating func send(from offset: UInt64, _ length: Int) -> [UInt8] {
        let buffer = ByteBuffer(capacity: 256)
        #expect(stamper.copy(from: offset, maxLength: length, of: backlog, to: buffer) == length)
        return Array(buffer.bytes)
    }
}

@Test func aSendLeadsWithTheTimeOfItsOldestWrite() {
    var stream = Stream()
    stream.write(at: 100)
    stream.write(at: 200)
    #expect(frames(stream.send(from: 0, 2 * stream.item.count)) == ["time 100", "record", "record"])
    stream.write(at: 300)
    #expect(frames(stream.send(from: UInt64(2 * stream.item.count), stream.item.count)) == ["time 300", "record"])
}

@Test func aSendThatStopsShortKeepsTheTimeForTheRest() {
    var stream = Stream()
    stream.write(at: 100)
    stream.write(at: 200)
    let length = stream.item.count
    // The first send ends mid-frame: the next continues the frame and so carries no WRITE TIME.
    let first = stream.send(from: 0, length + 3)
    #expect(frames(first) == ["time 100", "record", "partial"])
    stream.write(at: 300)
    let rest = stream.send(from: UInt64(length + 3), length - 3 + length)
    #expect(frames(Array(first[(32 + length)...]) + rest) == ["record", "record"])
    // Nothing is left unsent, so the next write starts a new time.
    #expect(stream.stamper.wantsWriteTime)
}

@Test func recordsSentAgainAfterAReconnectCarryNoTime() {
    var stream = Stream()
    stream.write(at: 100)
    _ = stream.send(from: 0, stream.item.count)
    stream.write(at: 200)
    // A new connection resumes at 0: the first record's time is gone, the second's is not.
    #expect(frames(stream.send(from: 0, 2 * stream.item.count)) == ["record", "time 200", "record"])
}

@Test func onlyTheFirstWriteAfterAStampReportsItsTime() {
    var stamper = WriteTimeStamper()
    #expect(stamper.wantsWriteTime)
    stamper.appended(writtenAt: 5)
    #expect(!stamper.wantsWriteTime)
    stamper.appended(writtenAt: 9)
    #expect(stamper.unstampedSince == 5)
}
