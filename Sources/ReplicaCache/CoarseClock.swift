import Atomics
import Glibc
import Storage

/// Unix time in whole seconds, read by every request and refreshed by a timer, as
/// memcached keeps its `current_time`: cheaper than a clock call per request.
final class CoarseClock: CacheClock, @unchecked Sendable {
    private let seconds = ManagedAtomic<Int64>(Int64(time(nil)))

    func now() -> Int64 {
        seconds.load(ordering: .relaxed)
    }

    func refresh() {
        seconds.store(Int64(time(nil)), ordering: .relaxed)
    }
}
