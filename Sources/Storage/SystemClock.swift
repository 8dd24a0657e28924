#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The wall clock. On Linux it reads `CLOCK_REALTIME_COARSE`: whole seconds are all the cache needs, and the
/// coarse clock costs a few nanoseconds instead of tens on every operation.
public struct SystemClock: CacheClock {
    public init() {}

    public func now() -> Int64 {
        var spec = timespec()
        #if os(Linux)
            clock_gettime(CLOCK_REALTIME_COARSE, &spec)
        #else
            clock_gettime(CLOCK_REALTIME, &spec)
        #endif
        return Int64(spec.tv_sec)
    }
}
