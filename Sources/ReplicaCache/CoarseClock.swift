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

    /// Versions need milliseconds; the coarse kernel clock gives them for a few nanoseconds.
    func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    func refresh() {
        seconds.store(Int64(time(nil)), ordering: .relaxed)
    }
}
