import Glibc

/// memcached's `-r` and `-k`: process limits a cache operator asks for at start.
enum ProcessLimits {
    /// `-r`: no limit on core files, or as high as the hard limit allows; a process that still
    /// could not write one refuses to start, as memcached does.
    static func enableCoreDumps() throws(ServerError) {
        let resource = Int32(RLIMIT_CORE.rawValue)
        var limit = rlimit()
        if getrlimit(resource, &limit) == 0 {
            var unlimited = rlimit(rlim_cur: rlim_t.max, rlim_max: rlim_t.max)  // RLIM_INFINITY
            if setrlimit(resource, &unlimited) != 0 {
                var highest = rlimit(rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max)
                _ = setrlimit(resource, &highest)
            }
        }
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur != 0 else {
            throw .configuration("failed to ensure corefile creation")
        }
    }

    /// `-k`: keep every page in memory. Like memcached, a refusal (usually `RLIMIT_MEMLOCK`) is a
    /// warning, not a reason to stop.
    static func lockMemory() {
        if mlockall(MCL_CURRENT | MCL_FUTURE) != 0 {
            StandardError.print("warning: -k invalid, mlockall() failed: \(String(cString: strerror(errno)))")
        }
    }
}
