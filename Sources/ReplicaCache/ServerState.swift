import Atomics
import Glibc
import Logging
import Storage

/// What every thread of the server shares: settings, the cache, and server-wide counters.
final class ServerState: @unchecked Sendable {
    static let version: StaticString = "1.6.18-replicacache-0.1.0"

    let settings: Settings
    /// Connection events log at debug (`-vv`); replication link events at notice (no `-v`).
    let logger: Logger
    let cache: Cache
    /// `-Z`: the client port's TLS, and `--repl-tls`'s dialing context.
    let tls: TLSContext?
    /// One clock for seconds and milliseconds, so expiry, flush marks and versions agree.
    let clock: SystemClock
    let startTime: Int64
    // Read when asked: `-d` forks after this state exists.
    var processID: Int32 { getpid() }
    /// Filled once at start-up, before any worker runs.
    private(set) var workers: [Worker] = []
    private(set) var listeningPort: UInt16 = 0
    /// The pair's replication, when the node has a peer; set once at start-up.
    private(set) var link: ReplicationLink?

    /// Descriptors memcached keeps back from `-c` for its own use; we keep the same number
    /// so that `-c` admits the same number of clients.
    var reservedDescriptors: Int { 5 * settings.threadCount }
    var connectionLimit: Int { max(1, settings.maxConnections - reservedDescriptors) }

    let currentConnections = ManagedAtomic<Int>(0)
    let totalConnections = ManagedAtomic<Int>(0)
    let rejectedConnections = ManagedAtomic<Int>(0)
    let verbosity: ManagedAtomic<Int>
    /// Counter values at the last `stats reset`, subtracted when reporting.
    private let baseline = Locked<[UInt64]>(Array(repeating: 0, count: Counter.allCases.count))
    private let shutdownRequest: @Sendable (Bool) -> Void

    init(
        settings: Settings, clock: SystemClock, logger: Logger, tls: TLSContext?,
        shutdownRequest: @escaping @Sendable (Bool) -> Void
    ) {
        self.settings = settings
        self.tls = tls
        self.logger = logger
        self.clock = clock
        self.startTime = clock.now()
        self.verbosity = ManagedAtomic(settings.verbosity)
        self.shutdownRequest = shutdownRequest
        let shards = max(64, (settings.threadCount * 16).nextPowerOfTwo)
        let nodeID = settings.replication.map { ReplicationLink.nodeID(forName: $0.nodeName) } ?? 0
        var configuration = CacheConfiguration(
            memoryLimit: settings.memoryLimit, itemSizeMax: settings.itemSizeMax,
            evictionEnabled: settings.evictionsEnabled, shardCount: shards)
        configuration.sizeClassGrowthFactor = settings.sizeClassGrowthFactor
        configuration.sizeClassMinimumDataSize = settings.sizeClassMinimumDataSize
        self.cache = Cache(
            configuration: configuration, clock: clock, versions: VersionClock(nodeID: nodeID, clock: clock))
    }

    func attach(workers: [Worker], listeningPort: UInt16, link: ReplicationLink?) {
        self.workers = workers
        self.listeningPort = listeningPort
        self.link = link
    }

    func setVerbosity(_ level: Int) {
        verbosity.store(level, ordering: .relaxed)
    }

    func requestShutdown(graceful: Bool) {
        shutdownRequest(graceful)
    }

    /// A counter summed over all workers since the last `stats reset`.
    func total(_ counter: Counter) -> UInt64 {
        sinceStart(counter) &- baseline.withLock { $0[counter.rawValue] }
    }

    private func sinceStart(_ counter: Counter) -> UInt64 {
        workers.reduce(UInt64(0)) { $0 &+ $1.statistics.value(counter) }
    }

    func resetStatistics() {
        let current = Counter.allCases.map(sinceStart)
        baseline.withLock { $0 = current }
        totalConnections.store(0, ordering: .relaxed)
        rejectedConnections.store(0, ordering: .relaxed)
        cache.resetStatistics()
        link?.resetStatistics()
    }
}

extension Int {
    fileprivate var nextPowerOfTwo: Int {
        self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount)
    }
}
