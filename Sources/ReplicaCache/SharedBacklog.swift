import Glibc
import Protocol
import Replication

/// The outgoing backlog behind a mutex: workers append their batches, the link thread reads.
///
/// A pthread mutex rather than `Mutex`, whose region checks cannot see that the backlog never
/// leaves the lock.
final class SharedBacklog: @unchecked Sendable {
    private let backlog: Backlog
    /// (stream offset after a batch, records published up to it), oldest first, for lag in records.
    private var checkpoints: [(offset: UInt64, records: UInt64)] = []
    private var checkpointStart = 0
    private var publishedRecords: UInt64 = 0
    private var stamper = WriteTimeStamper()
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(capacity: Int) {
        backlog = Backlog(capacity: capacity)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Checkpoints kept for lag in records; older batches merge into the oldest one's count.
    static let checkpointLimit = 1 << 16

    /// Appends whole frames holding `records` records; returns the stream offset just after them.
    func append(_ frames: ByteBuffer, records: Int) -> UInt64 {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        // Read under the lock, so the stamps in the backlog never go back in time.
        stamper.stamp(backlog, writtenAt: Self.wallClockNanoseconds())
        backlog.append(frames)
        publishedRecords += UInt64(records)
        if checkpoints.count - checkpointStart >= Self.checkpointLimit { checkpointStart += 1 }
        if checkpointStart > Self.checkpointLimit {
            checkpoints.removeFirst(checkpointStart)
            checkpointStart = 0
        }
        checkpoints.append((backlog.endOffset, publishedRecords))
        return backlog.endOffset
    }

    /// Records published after `offset`: exact at batch boundaries (where acks land) within the last
    /// `checkpointLimit` batches; a peer further behind is counted as behind by everything published.
    func recordsAfter(_ offset: UInt64) -> UInt64 {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        var low = checkpointStart
        var high = checkpoints.count
        while low < high {
            let middle = (low + high) / 2
            if checkpoints[middle].offset <= offset { low = middle + 1 } else { high = middle }
        }
        let acknowledged = low > checkpointStart ? checkpoints[low - 1].records : 0
        return publishedRecords - min(acknowledged, publishedRecords)
    }

    var window: BacklogWindow {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return backlog.window
    }

    /// Copies up to `maxLength` bytes from `offset` to the end of `buffer`; returns how many.
    func copy(from offset: UInt64, maxLength: Int, to buffer: ByteBuffer) -> Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return backlog.copy(from: offset, maxLength: maxLength, to: buffer)
    }

    static func wallClockNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}
