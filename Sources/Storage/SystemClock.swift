#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The wall clock. On Linux it reads `CLOCK_REALTIME_COARSE`: whole seconds are all the cache needs, and the
/// coarse clock costs a few nanoseconds instead of tens on every operation. Its few-millisecond resolution is
/// enough for versions too: their counter orders writes within one tick.
public struct SystemClock: CacheClock {
    public init() {}

    public func now() -> Int64 {
        Int64(Self.read().tv_sec)
    }

    public func nowMilliseconds() -> Int64 {
        let spec = Self.read()
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    @inline(__always)
    private static func read() -> timespec {
        var spec = timespec()
        #if os(Linux)
            clock_gettime(CLOCK_REALTIME_COARSE, &spec)
        #else
            clock_gettime(CLOCK_REALTIME, &spec)
        #endif
        return spec
    }
}
