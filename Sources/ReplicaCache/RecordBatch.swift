import Protocol
import Replication
import Storage

/// The records one worker's current read batch produced, encoded for the peer.
final class RecordBatch {
    let frames = ByteBuffer(capacity: 16 * 1024)
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    func append(_ state: ItemState) {
        FrameEncoder.appendRecord(state, to: frames)
        count += 1
    }

    func append(_ mark: FlushMark) {
        FrameEncoder.appendFlush(mark, to: frames)
        count += 1
    }

    func removeAll() {
        frames.removeAll()
        count = 0
    }
}
