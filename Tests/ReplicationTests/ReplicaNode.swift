import Protocol
import Replication
import Storage

/// One simulated node: its cache, backlog, outgoing stream and applier, as the server will wire them.
final class ReplicaNode {
    let identity: NodeIdentity
    let clock: ManualClock
    let shardCount = 4
    private var random: SeededGenerator
    private let backlogCapacity: Int
    private let secret: ReplicationSecret?
    private let mode: ReplicationMode
    private(set) var cache: Cache
    private(set) var backlog: Backlog
    /// WRITE TIMEs ahead of the records in `backlog`, from the simulated clock.
    private var stamper = WriteTimeStamper()
    private(set) var applier: ReplicaApplier
    var outgoing: OutgoingStream
    /// When the outgoing stream's timer fires.
    var outgoingTimer: ContinuousClock.Instant?
    private(set) var restarts = 0
    private(set) var configuration: ReplicationConfiguration

    init(
        name: String, id: UInt32, clock: ManualClock, seed: UInt64, backlogCapacity: Int = 1 << 20,
        secret: ReplicationSecret? = nil, mode: ReplicationMode = .async
    ) {
        identity = NodeIdentity(name: name, id: id)
        self.clock = clock
        random = SeededGenerator(seed: seed)
        self.backlogCapacity = backlogCapacity
        self.secret = secret
        self.mode = mode
        // Placeholders, replaced by `boot` before use.
        cache = Cache(configuration: CacheConfiguration(), clock: clock)
        backlog = Backlog(capacity: backlogCapacity)
        applier = ReplicaApplier(cache: cache)
        configuration = ReplicaNode.placeholder
        outgoing = OutgoingStream(configuration: ReplicaNode.placeholder, random: SeededGenerator(seed: 0))
        boot()
    }

    private static let placeholder = ReplicationConfiguration(
        identity: NodeIdentity(name: "-", id: 0), replicationID: 1, shardCount: 1)

    /// A fresh process: empty cache and backlog, a new replication id.
    func boot() {
        cache = Cache(
            configuration: CacheConfiguration(memoryLimit: 8 << 20, shardCount: shardCount), clock: clock,
            versions: VersionClock(nodeID: identity.id, clock: clock))
        backlog = Backlog(capacity: backlogCapacity)
        stamper = WriteTimeStamper()
        applier = ReplicaApplier(cache: cache)
        configuration = makeConfiguration()
        outgoing = OutgoingStream(configuration: configuration, random: SeededGenerator(seed: random.next()))
        outgoingTimer = nil
    }

    func restart() {
        restarts += 1
        boot()
    }

    /// Drawn at each boot: a new replication id, as the server draws one at start.
    private func makeConfiguration() -> ReplicationConfiguration {
        ReplicationConfiguration(
            identity: identity, replicationID: random.next() | 1, secret: secret, mode: mode,
            peerAddress: "peer", shardCount: cache.shardCount, walkChunkLimit: 16)
    }

    func newIncomingStream() -> IncomingStream {
        IncomingStream(configuration: configuration, applier: applier, random: SeededGenerator(seed: random.next()))
    }

    // MARK: local writes, entering the backlog as the server's executor will do it

    @discardableResult
    func set(_ key: String, _ value: String, exptime: Int64 = 0) -> Version? {
        var version: Version?
        let frame = ByteBuffer(capacity: 256)
        withBytes(key, value) { key, value in
            _ = cache.store(.set, key: key, flags: 0, exptime: exptime, value: value) { state in
                version = state.version
                FrameEncoder.appendRecord(state, to: frame)
            }
        }
        publish(frame)
        return version
    }

    func delete(_ key: String) {
        let frame = ByteBuffer(capacity: 256)
        withBytes(key, "") { key, _ in
            _ = cache.delete(key: key) { FrameEncoder.appendRecord($0, to: frame) }
        }
        publish(frame)
    }

    func flushAll() {
        let frame = ByteBuffer(capacity: 64)
        cache.flushAll(delay: 0) { FrameEncoder.appendFlush($0, to: frame) }
        publish(frame)
    }

    private func publish(_ frame: ByteBuffer) {
        stamper.stamp(backlog, writtenAt: UInt64(clock.nowMilliseconds()) * 1_000_000)
        backlog.append(frame)
    }

    func get(_ key: String) -> String? {
        Array(key.utf8).withUnsafeBytes { key in
            cache.withItem(key: key) { String(decoding: $0.value, as: UTF8.self) }
        }
    }

    /// Every live item and tombstone with its version: what the two nodes must agree on.
    func contents() -> [String: String] {
        var contents: [String: String] = [:]
        for shard in 0..<cache.shardCount {
            var bucket: Int? = 0
            while let start = bucket {
                bucket = cache.forEachState(shard: shard, startBucket: start, limit: 64) { state in
                    let key = String(decoding: state.key, as: UTF8.self)
                    let value = state.isTombstone ? "<deleted>" : String(decoding: state.value, as: UTF8.self)
                    contents[key] =
                        "\(value) flags=\(state.flags) exp=\(state.expiresAt) v=\(state.version.timestamp)/\(state.version.nodeID)"
                }
            }
        }
        return contents
    }

    private func withBytes(
        _ key: String, _ value: String, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void
    ) {
        Array(key.utf8).withUnsafeBytes { key in
            Array(value.utf8).withUnsafeBytes { value in body(key, value) }
        }
    }
}
