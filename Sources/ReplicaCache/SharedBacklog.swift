import Glibc
import Protocol
import Replication

/// The outgoing backlog behind a mutex: workers append their batches, the link thread reads.
///
/// A pthread mutex rather than `Mutex`, whose region checks cannot see that the backlog never
/// leaves the lock.
final class SharedBacklog: @unchecked Sendable {
    private let backlog: Backlog
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(capacity: Int) {
        backlog = Backlog(capacity: capacity)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Appends whole frames; returns the stream offset just after them.
    func append(_ frames: ByteBuffer) -> UInt64 {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        backlog.append(frames)
        return backlog.endOffset
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
}
