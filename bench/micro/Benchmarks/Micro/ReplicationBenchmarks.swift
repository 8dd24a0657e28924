import Benchmark
import Protocol
import Replication
import Storage

/// The per-write work of a replicating pair: encode the written state as a record, keep it in the backlog,
/// and decode it on the peer.
enum ReplicationBenchmarks {
    static func register() {
        let keys = Workload.keyNumbers()
        let keyTable = ByteTable(keys.map(Workload.key))
        let value = Workload.permanent(Workload.value(32))
        let version = Version(milliseconds: 1_790_000_000_000, counter: 1, nodeID: 1)
        let records = ByteBuffer()
        var next = 0

        // What `changed` does for every write on a pair: the state the write left, appended to the link's buffer.
        Benchmark("FrameEncoder.appendRecord", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                let state = ItemState(
                    key: keyTable.entry(next), isTombstone: false, flags: 0, expiresAt: 0, value: value,
                    version: version)
                FrameEncoder.appendRecord(state, to: records)
                records.removeAll()
            }
        }

        let frames = ByteTable(
            (0..<keys.count).map { index in
                let buffer = ByteBuffer(capacity: 128)
                let state = ItemState(
                    key: keyTable.entry(index), isTombstone: false, flags: 0, expiresAt: 0, value: value,
                    version: version)
                FrameEncoder.appendRecord(state, to: buffer)
                return Array(buffer.bytes)
            })
        let decoder = FrameDecoder()
        for index in 0..<frames.count {
            guard case .frame(.item(let item), let consumed) = decoder.decode(frames.entry(index)),
                consumed == frames.entry(index).count, item.value.count == 32
            else { fatalError("an encoded ITEM frame does not decode") }
        }

        Benchmark("FrameDecoder.decodeItem", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                let outcome = decoder.decode(frames.entry(next))
                guard case .frame(.item, _) = outcome else { fatalError() }
                blackHole(outcome)
            }
        }

        // A 1 MB ring: full after the warm-up, so every append also drops the oldest frames, as in steady state.
        let backlog = Backlog(capacity: 1 << 20)
        Benchmark("Backlog.append", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                backlog.append(frames.entry(next))
            }
        }
    }
}
