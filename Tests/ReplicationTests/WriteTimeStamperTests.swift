import Protocol
import Replication
import Storage
import Testing

private let version = Version(milliseconds: 1_800_000_000_000, counter: 0, nodeID: 1)

/// The backlog's frames: each WRITE TIME's time, and "record" for the rest.
private func frames(_ backlog: Backlog) -> [String] {
    let buffer = ByteBuffer(capacity: 1024)
    backlog.copy(from: backlog.startOffset, maxLength: backlog.count, to: buffer)
    var names: [String] = []
    var rest = Array(buffer.bytes)[...]
    while !rest.isEmpty {
        guard case .frame(let frame, let length) = Array(rest).withUnsafeBytes({ FrameDecoder().decode($0) }) else {
            Issue.record("the backlog holds a partial frame")
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

private func write(_ backlog: Backlog, _ stamper: inout WriteTimeStamper, at time: UInt64) {
    stamper.stamp(backlog, writtenAt: time)
    FrameBytes.item(key: "k", value: "v", version: version).withUnsafeBytes { backlog.append($0) }
}

@Test func writesWithinTheGranularityShareAStamp() {
    let backlog = Backlog(capacity: 4096)
    var stamper = WriteTimeStamper()
    let step = WriteTimeStamper.granularity
    write(backlog, &stamper, at: 1_000_000)
    write(backlog, &stamper, at: 1_000_000 + step - 1)
    write(backlog, &stamper, at: 1_000_000 + step)
    write(backlog, &stamper, at: 1_000_000 + 3 * step)
    #expect(
        frames(backlog) == [
            "time 1000000", "record", "record", "time \(1_000_000 + step)", "record", "time \(1_000_000 + 3 * step)",
            "record",
        ])
}

@Test func aClockThatStepsBackStampsAgain() {
    let backlog = Backlog(capacity: 4096)
    var stamper = WriteTimeStamper()
    write(backlog, &stamper, at: 5_000_000)
    write(backlog, &stamper, at: 4_000_000)
    // Sharing the later stamp would make the second write's lag look shorter than it was.
    #expect(frames(backlog) == ["time 5000000", "record", "time 4000000", "record"])
}
