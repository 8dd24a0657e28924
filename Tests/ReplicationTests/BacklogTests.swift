import Protocol
import Replication
import Testing

private func contents(_ backlog: Backlog, from offset: UInt64, maxLength: Int = .max) -> [UInt8] {
    let buffer = ByteBuffer(capacity: 64)
    backlog.copy(from: offset, maxLength: maxLength, to: buffer)
    return Array(buffer.bytes)
}

private func append(_ frame: [UInt8], to backlog: Backlog) {
    frame.withUnsafeBytes { backlog.append($0) }
}

/// Decodes frame after frame from the backlog's start: proves the start is a frame boundary.
private func frameCount(_ backlog: Backlog) -> Int? {
    var bytes = contents(backlog, from: backlog.startOffset)[...]
    var count = 0
    while !bytes.isEmpty {
        let outcome = Array(bytes).withUnsafeBytes { FrameDecoder().decode($0) }
        guard case .frame(_, let consumed) = outcome else { return nil }
        bytes = bytes.dropFirst(consumed)
        count += 1
    }
    return count
}

@Test func appendedFramesReadBackFromAnyHeldOffset() {
    let backlog = Backlog(capacity: 1000)
    let frames = [FrameBytes.tombstone(length: 40, tag: 65), FrameBytes.tombstone(length: 50, tag: 66)]
    for frame in frames { append(frame, to: backlog) }
    #expect(backlog.startOffset == 0)
    #expect(backlog.endOffset == 90)
    #expect(contents(backlog, from: 0) == frames[0] + frames[1])
    #expect(contents(backlog, from: 40) == frames[1])
    #expect(contents(backlog, from: 40, maxLength: 7) == Array(frames[1][..<7]))
    #expect(contents(backlog, from: 90).isEmpty)
}

@Test func containsCoversStartThroughEnd() {
    let backlog = Backlog(capacity: 100)
    #expect(backlog.contains(offset: 0))
    #expect(!backlog.contains(offset: 1))
    for tag in UInt8(65)...67 { append(FrameBytes.tombstone(length: 40, tag: tag), to: backlog) }
    #expect(backlog.startOffset == 40)
    #expect(!backlog.contains(offset: 39))
    #expect(backlog.contains(offset: 40))
    #expect(backlog.contains(offset: 120))
    #expect(!backlog.contains(offset: 121))
}

@Test func exactCapacityKeepsEverythingAndOneMoreByteDropsAFrame() {
    let backlog = Backlog(capacity: 120)
    for tag in UInt8(65)...67 { append(FrameBytes.tombstone(length: 40, tag: tag), to: backlog) }
    #expect(backlog.startOffset == 0)
    #expect(backlog.count == 120)
    append(FrameBytes.tombstone(length: 37, tag: 68), to: backlog)
    #expect(backlog.startOffset == 40)
    #expect(backlog.endOffset == 157)
    #expect(frameCount(backlog) == 3)
}

@Test func readsAcrossTheSeamReturnTheFrameWhole() {
    let backlog = Backlog(capacity: 100)
    let frames = (UInt8(65)...67).map { FrameBytes.tombstone(length: 40, tag: $0) }
    for frame in frames { append(frame, to: backlog) }
    // The third frame occupies ring positions 80..<100 and 0..<20.
    #expect(backlog.contiguousBytes(from: 80, maxLength: 100).count == 20)
    #expect(contents(backlog, from: 80) == frames[2])
    #expect(contents(backlog, from: 40) == frames[1] + frames[2])
    #expect(contents(backlog, from: 90, maxLength: 15) == Array(frames[2][10..<25]))
}

@Test func droppingKeepsFrameBoundariesWithMixedSizes() {
    let backlog = Backlog(capacity: 257)
    var generator = SeededGenerator(seed: 3)
    var appended: [[UInt8]] = []
    for step in 0..<500 {
        let frame = FrameBytes.tombstone(
            length: Int.random(in: 37...120, using: &generator), tag: UInt8(65 + step % 26))
        append(frame, to: backlog)
        appended.append(frame)
        #expect(backlog.count <= backlog.capacity)
        let held = frameCount(backlog)
        #expect(held != nil, "start is not a frame boundary after step \(step)")
        // What is held is exactly the newest frames, byte for byte.
        let newest = appended.suffix(held ?? 0).flatMap { $0 }
        #expect(contents(backlog, from: backlog.startOffset) == newest)
    }
    #expect(backlog.endOffset == UInt64(appended.reduce(0) { $0 + $1.count }))
}

@Test func severalFramesInOneAppendAreSplitForDropping() {
    let backlog = Backlog(capacity: 100)
    let frames = (UInt8(65)...68).map { FrameBytes.tombstone(length: 40, tag: $0) }
    append(frames.flatMap { $0 }, to: backlog)
    #expect(backlog.startOffset == 80)
    #expect(contents(backlog, from: 80) == frames[2] + frames[3])
}

@Test func frameLargerThanTheRingEmptiesIt() {
    let backlog = Backlog(capacity: 64)
    append(FrameBytes.tombstone(length: 40, tag: 65), to: backlog)
    append(FrameBytes.tombstone(length: 65, tag: 66), to: backlog)
    #expect(backlog.startOffset == 105)
    #expect(backlog.endOffset == 105)
    #expect(!backlog.contains(offset: 40))
    append(FrameBytes.tombstone(length: 40, tag: 67), to: backlog)
    #expect(contents(backlog, from: 105) == FrameBytes.tombstone(length: 40, tag: 67))
}

@Test func offsetsFarIntoTheStreamMapOntoTheRing() {
    let start = UInt64.max / 3
    let backlog = Backlog(capacity: 100, startOffset: start)
    let frames = (UInt8(65)...70).map { FrameBytes.tombstone(length: 40, tag: $0) }
    for frame in frames { append(frame, to: backlog) }
    #expect(backlog.startOffset == start + 160)
    #expect(contents(backlog, from: backlog.startOffset) == frames[4] + frames[5])
}
