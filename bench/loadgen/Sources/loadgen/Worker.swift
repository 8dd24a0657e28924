import Histogram

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one phase of a worker does.
struct Phase {
    /// Fill: set each of `fillKeys` once, nothing recorded.
    var fillKeys: [UInt64] = []
    var isFill = false
    /// Stop at this monotonic time (0: no deadline).
    var deadline: UInt64 = 0
    /// Requests this worker sends in all (nil: no limit).
    var requestQuota: Int?
}

struct Settings {
    var pipeline: Int
    var setRatio: Int
    var getRatio: Int
    var keyMaximum: UInt64
    var keyPattern: KeyPattern
    var value: [UInt8]
    /// Nanoseconds between two batches on one connection (0: as fast as replies come).
    var batchInterval: UInt64
}

/// Counts and latencies of one worker.
struct Tally {
    var sets: UInt64 = 0
    var gets: UInt64 = 0
    var hits: UInt64 = 0
    var misses: UInt64 = 0
    var errors: UInt64 = 0
    var connectionErrors: UInt64 = 0
    var histogram = Histogram<UInt64>(highestTrackableValue: 120_000_000_000, numberOfSignificantValueDigits: .three)

    mutating func merge(_ other: Tally) {
        sets += other.sets
        gets += other.gets
        hits += other.hits
        misses += other.misses
        errors += other.errors
        connectionErrors += other.connectionErrors
        histogram.add(other.histogram)
    }
}

/// One thread's share of the connections, driven with non-blocking sockets and poll.
final class Worker: @unchecked Sendable {
    let index: Int
    let settings: Settings
    var connections: [Connection] = []
    var tally = Tally()
    var elapsed: UInt64 = 0
    private var rng: UInt64
    private var sequence: UInt64
    private var ratioStep = 0

    init(index: Int, threads: Int, settings: Settings) {
        self.index = index
        self.settings = settings
        rng = 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1)
        sequence = settings.keyMaximum / UInt64(threads) * UInt64(index)
    }

    private func nextRandom() -> UInt64 {
        rng ^= rng << 13
        rng ^= rng >> 7
        rng ^= rng << 17
        return rng
    }

    private func nextKey() -> UInt64 {
        switch settings.keyPattern {
        case .sequential:
            sequence = sequence % settings.keyMaximum + 1
            return sequence
        case .random:
            return nextRandom() % settings.keyMaximum + 1
        case .gaussian:
            return nextGaussianKey()
        }
    }

    /// A key around the middle of 1...K with standard deviation K/6 (Box-Muller), redrawn when outside.
    private func nextGaussianKey() -> UInt64 {
        let maximum = Double(settings.keyMaximum)
        while true {
            let u1 = (Double(nextRandom() >> 11) + 1) / 9_007_199_254_740_993.0
            let u2 = Double(nextRandom() >> 11) / 9_007_199_254_740_992.0
            let normal = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            let key = (maximum + 1) / 2 + normal * maximum / 6
            if key >= 1 && key < maximum + 1 { return UInt64(key) }
        }
    }

    private func nextIsSet() -> Bool {
        let cycle = settings.setRatio + settings.getRatio
        let isSet = ratioStep < settings.setRatio
        ratioStep = (ratioStep + 1) % cycle
        return isSet
    }

    func run(_ phase: Phase) {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { scratch.deallocate() }
        var fillNext = 0
        var sent = 0
        let quota = phase.isFill ? phase.fillKeys.count : phase.requestQuota ?? Int.max
        let depth = phase.isFill ? max(settings.pipeline, 32) : settings.pipeline
        let started = monotonicNanos()
        for connection in connections { connection.nextSendAt = started }
        var fds = [pollfd](repeating: pollfd(), count: connections.count)

        while true {
            var now = monotonicNanos()
            if phase.deadline != 0 && now >= phase.deadline { break }
            var busy = false
            var wakeAt = phase.deadline != 0 ? phase.deadline : now + 100_000_000
            for connection in connections where !connection.closed {
                if connection.outstanding == 0 {
                    if sent >= quota { continue }
                    if !phase.isFill && settings.batchInterval != 0 && now < connection.nextSendAt {
                        wakeAt = min(wakeAt, connection.nextSendAt)
                        continue
                    }
                    let batch = min(depth, quota - sent)
                    for _ in 0..<batch {
                        if phase.isFill {
                            connection.appendSet(key: phase.fillKeys[fillNext], value: settings.value, now: now)
                            fillNext += 1
                        } else if nextIsSet() {
                            connection.appendSet(key: nextKey(), value: settings.value, now: now)
                        } else {
                            connection.appendGet(key: nextKey(), now: now)
                        }
                    }
                    sent += batch
                    if settings.batchInterval != 0 {
                        connection.nextSendAt += settings.batchInterval
                        // Late batches catch up, but never by more than 20 ms of backlog.
                        if connection.nextSendAt + 20_000_000 < now { connection.nextSendAt = now }
                    }
                    if !connection.flush() { fail(connection) }
                }
                if !connection.closed && connection.outstanding > 0 { busy = true }
            }
            if !busy {
                let waiting = connections.contains { !$0.closed && sent < quota }
                if !waiting { break }
            }
            for (slot, connection) in connections.enumerated() {
                fds[slot].fd = connection.closed ? -1 : connection.fd
                fds[slot].events = Int16(POLLIN) | (connection.wantsWrite ? Int16(POLLOUT) : 0)
                fds[slot].revents = 0
            }
            let waitMillis = wakeAt > now ? Int32(min((wakeAt - now + 999_999) / 1_000_000, 100)) : 0
            let ready = poll(&fds, nfds_t(fds.count), busy ? min(waitMillis, 100) : waitMillis)
            if ready <= 0 { continue }
            now = monotonicNanos()
            for (slot, connection) in connections.enumerated() where fds[slot].revents != 0 && !connection.closed {
                let events = Int32(fds[slot].revents)
                if events & Int32(POLLOUT) != 0 && !connection.flush() {
                    fail(connection)
                    continue
                }
                if events & Int32(POLLIN | POLLERR | POLLHUP) != 0 {
                    let alive = connection.fill(scratch: scratch)
                    connection.parseReplies { reply, start in
                        if phase.isFill { return }
                        record(reply, latency: now &- start)
                    }
                    if !alive { fail(connection) }
                }
            }
        }
        elapsed = monotonicNanos() - started
    }

    private func record(_ reply: Reply, latency: UInt64) {
        switch reply {
        case .stored:
            tally.sets += 1
        case .hit:
            tally.gets += 1
            tally.hits += 1
        case .miss:
            tally.gets += 1
            tally.misses += 1
        case .error:
            tally.errors += 1
            return
        }
        _ = tally.histogram.record(max(latency, 1))
    }

    private func fail(_ connection: Connection) {
        connection.closed = true
        tally.connectionErrors += 1
    }
}
