import Storage

/// Applies the peer's records to the local cache and remembers, per peer node, how far it got.
///
/// One per node, shared by its incoming connections over time; not thread-safe, so the server
/// confines it to the thread that runs those connections.
public final class ReplicaApplier {
    public let cache: Cache
    private var progressByPeer: [UInt32: PeerProgress] = [:]
    private var peersInFullResync: Set<UInt32> = []
    private var awaitingInitialSync: Bool
    /// Records that changed the cache.
    public private(set) var appliedRecords: UInt64 = 0
    /// Records the cache already had at an equal or higher version.
    public private(set) var staleRecords: UInt64 = 0

    /// `awaitingInitialSync`: a node started with a peer counts as refilling until its first full
    /// resync completes, so it can read through before the peer has even dialed.
    public init(cache: Cache, awaitingInitialSync: Bool = false) {
        self.cache = cache
        self.awaitingInitialSync = awaitingInitialSync
    }

    public func progress(forPeer nodeID: UInt32) -> PeerProgress {
        progressByPeer[nodeID] ?? .none
    }

    /// Peers this node has applied records from.
    public var peerNodeIDs: [UInt32] {
        progressByPeer.keys.sorted()
    }

    /// Whether the local store is still being refilled by a full resync (kept across link drops).
    public var isFullResyncInProgress: Bool {
        awaitingInitialSync || !peersInFullResync.isEmpty
    }

    /// Whether this node is still waiting for its first resync from the peer, also while the peer cannot be
    /// reached: it cannot know whether the peer holds data it lacks. Ends when that resync completes.
    public var isWarming: Bool {
        awaitingInitialSync
    }

    /// Ends warming without a full resync: the peer resumed streaming with a partial one.
    public func finishWarming() {
        awaitingInitialSync = false
    }

    func record(_ progress: PeerProgress, forPeer nodeID: UInt32) {
        progressByPeer[nodeID] = progress
    }

    func beginFullResync(peer nodeID: UInt32) {
        peersInFullResync.insert(nodeID)
    }

    func finishFullResync(peer nodeID: UInt32, progress: PeerProgress) {
        peersInFullResync.remove(nodeID)
        awaitingInitialSync = false
        progressByPeer[nodeID] = progress
    }

    /// Applies one record frame whose ranges index `bytes`; other frames are not records.
    func apply(_ frame: ReplicationFrame, in bytes: UnsafeRawBufferPointer) {
        let changed: Bool
        switch frame {
        case .item(let item):
            changed = cache.apply(
                key: UnsafeRawBufferPointer(rebasing: bytes[item.key]), flags: item.flags, expiresAt: item.expiresAt,
                value: UnsafeRawBufferPointer(rebasing: bytes[item.value]), version: item.version)
        case .tombstone(let tombstone):
            changed = cache.applyTombstone(
                key: UnsafeRawBufferPointer(rebasing: bytes[tombstone.key]), version: tombstone.version)
        case .flush(let atMilliseconds, let version):
            changed = cache.applyFlush(FlushMark(atMilliseconds: atMilliseconds, version: version))
        default:
            return
        }
        if changed {
            appliedRecords += 1
        } else {
            staleRecords += 1
        }
    }
}
