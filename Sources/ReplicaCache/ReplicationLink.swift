import Atomics
import CEventShim
import Glibc
import Logging
import Protocol
import Replication
import Storage

/// The replication thread: it owns the outgoing backlog, dials the peer and streams this node's
/// writes to it (`OutgoingStream`), and runs the peer's incoming replication connections
/// (`IncomingStream`), applying its writes here. Workers only append to the backlog and wake it.
final class ReplicationLink: @unchecked Sendable {
    /// Bytes queued on the peer connection before the stream is told to wait.
    static let outputHighWater = 1 << 20
    /// Async mode: after a send, the link looks at the backlog again only this much later, so
    /// the writes made meanwhile leave together, in one write that wakes the peer once, and the
    /// workers make no wake-up calls. The lag it adds stays well under the 1 ms the pair promises.
    /// The link thread sleeps the interval out (`run`): a libevent timer this short needs a
    /// precise-timer base, which pays a `timerfd_settime` on every loop iteration.
    static let coalescingInterval = Duration.microseconds(200)
    /// Longest time `stats replication` lags behind the link.
    static let statusInterval = Duration.milliseconds(2)

    let settings: ReplicationSettings
    let configuration: ReplicationConfiguration
    let cache: Cache
    let logger: Logger
    let base: OpaquePointer
    /// `--repl-tls`: the peer is dialed with TLS, and its incoming link must show a trusted certificate.
    let tls: TLSContext?

    /// The peer's acked offset of this node's stream, for sync-mode replies.
    let ackedOffset = ManagedAtomic<UInt64>(0)
    /// Whether this node's writes are being streamed to the peer right now.
    let streaming = ManagedAtomic<Bool>(false)
    let degradedWrites = ManagedAtomic<UInt64>(0)
    /// Whether a local miss is read through from the peer now: this node warms up (or is being refilled by a
    /// full resync) and its own link to the peer is up, so a FETCH can go out on it. Workers keep a copy and read
    /// it on every request: reaching it through the link would retain the link, whose count every thread shares.
    let readThroughActive = UnsafeAtomic<Bool>.create(false)
    let readThroughHits = ManagedAtomic<UInt64>(0)
    let readThroughMisses = ManagedAtomic<UInt64>(0)
    let readThroughTimeouts = ManagedAtomic<UInt64>(0)
    /// Called on the link thread whenever the acked offset moved or the link went down.
    var acknowledgementsChanged: @Sendable () -> Void = {}

    private let backlog: SharedBacklog
    private let statusSnapshot = Locked(ReplicationStatus())
    /// Recorded on the link thread once per read that applied the peer's records; read by `stats`.
    private let visibilityLag = Locked(VisibilityLag())
    private let handoffs = Locked<[IncomingHandoff]>([])
    private let readThroughQueue = Locked<[ReadThroughRequest]>([])
    private let wakePending = ManagedAtomic<Bool>(false)
    private let wakeSignal: WakeSignal

    // Touched only on the link thread.
    private var outgoing: OutgoingStream
    let applier: ReplicaApplier
    private var peer: PeerConnection?
    private var reconnectTimer: OpaquePointer?
    /// When the current coalescing interval ends (`CLOCK_MONOTONIC`), if one is running.
    private var coalescingDeadline: timespec?
    private var statusTimer: OpaquePointer?
    private var statusRefreshPending = false
    private var incoming: [Int32: IncomingReplication] = [:]
    /// FETCHes sent on the peer connection, by request id, until the peer answers or the link drops.
    private var fetchesInFlight: [UInt64: ReadThroughRequest] = [:]
    private var nextFetchID: UInt64 = 1
    /// Read-throughs taken from the queue while the link was still coming up.
    private var fetchesAwaitingLink: [ReadThroughRequest] = []
    private var context: UnsafeMutableRawPointer?
    private var events: [OpaquePointer?] = []
    private var stopping = false

    init(settings: ReplicationSettings, cache: Cache, logger: Logger, tls: TLSContext?) throws(ServerError) {
        self.settings = settings
        self.tls = tls?.settings.replication == true ? tls : nil
        self.cache = cache
        self.logger = logger
        var secret: ReplicationSecret?
        if let path = settings.secretFile {
            guard let contents = Self.readFile(path) else {
                throw .configuration("cannot read --repl-secret-file \(path): \(String(cString: strerror(errno)))")
            }
            guard !contents.isEmpty else { throw .configuration("--repl-secret-file \(path) is empty") }
            secret = ReplicationSecret(fileContents: contents)
        }
        var random = SystemRandomNumberGenerator()
        configuration = ReplicationConfiguration(
            identity: NodeIdentity(name: settings.nodeName, id: cache.versions.nodeID),
            replicationID: UInt64.random(in: 1...UInt64.max, using: &random), secret: secret,
            mode: settings.mode == .sync ? .sync : .async,
            peerAddress: "\(settings.peerHost):\(settings.peerPort)", shardCount: cache.shardCount)
        backlog = SharedBacklog(capacity: settings.backlogBytes)
        outgoing = OutgoingStream(configuration: configuration, random: random)
        applier = ReplicaApplier(cache: cache, awaitingInitialSync: true)
        guard let config = event_config_new() else { throw .eventLoop("event_config_new failed") }
        defer { event_config_free(config) }
        event_config_set_flag(config, Int32(EVENT_BASE_FLAG_NOLOCK.rawValue))
        guard let base = event_base_new_with_config(config) else { throw .eventLoop("event_base_new failed") }
        self.base = base
        wakeSignal = try WakeSignal(base: base)
    }

    deinit {
        readThroughActive.destroy()
    }

    /// The 32-bit id versions carry, derived from the node name so a restarted node keeps it.
    static func nodeID(forName name: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return hash == 0 ? 1 : hash
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            contents += chunk[0..<n]
        }
        return contents
    }

    // MARK: Any thread

    /// Appends a worker's encoded records; returns the stream offset just after them.
    func publish(_ records: ByteBuffer, count: Int) -> UInt64 {
        let end = backlog.append(records, records: count)
        wake()
        return end
    }

    /// A worker found a replication HELLO on a client connection: the socket and the bytes read so far move here.
    func adoptIncoming(fd: Int32, buffered: UnsafeRawBufferPointer, tls: TLSSession?) {
        handoffs.withLock { $0.append(IncomingHandoff(fd: fd, buffered: Array(buffered), tls: tls)) }
        wakePending.store(true, ordering: .relaxed)
        wakeSignal.fire()
    }

    /// A worker's request missed locally while warming: ask the peer for its keys. The worker hears
    /// `readThroughCompleted` once the peer has answered them all or the link cannot carry them.
    func readThrough(_ request: ReadThroughRequest) {
        readThroughQueue.withLock { $0.append(request) }
        wakePending.store(true, ordering: .relaxed)
        wakeSignal.fire()
    }

    var status: ReplicationStatus {
        var status = statusSnapshot.withLock { $0 }
        status.degradedWrites = degradedWrites.load(ordering: .relaxed)
        status.readThroughHits = readThroughHits.load(ordering: .relaxed)
        status.readThroughMisses = readThroughMisses.load(ordering: .relaxed)
        status.readThroughTimeouts = readThroughTimeouts.load(ordering: .relaxed)
        visibilityLag.withLock { status.addVisibilityLag($0) }
        return status
    }

    /// The peer's writes as this node sees them arrive, for a Prometheus histogram.
    var visibilityLagSnapshot: VisibilityLag {
        visibilityLag.withLock { $0 }
    }

    /// `stats reset`: the lag percentiles start again.
    func resetStatistics() {
        visibilityLag.withLock { $0.reset() }
    }

    private func wake() {
        // One pipe write per burst of batches: the link drains the backlog whole when it runs.
        if !wakePending.exchange(true, ordering: .acquiringAndReleasing) {
            wakeSignal.fire()
        }
    }

    // MARK: Link thread

    func start() -> pthread_t {
        context = CallbackContext.retain(self)
        wakeSignal.arm(onLinkWake, context: context, persistent: true)
        reconnectTimer = evtimer_new_shim(base, onReconnectTimer, context)
        statusTimer = evtimer_new_shim(base, onStatusTimer, context)
        events = [reconnectTimer, statusTimer]
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, runLink, CallbackContext.retain(self))
        precondition(created == 0, "pthread_create failed")
        return thread
    }

    /// From the main thread at shutdown: close the links and end the loop.
    func stop() {
        handoffs.withLock { $0.append(IncomingHandoff(fd: -1, buffered: [])) }
        wakeSignal.fire()
    }

    fileprivate func run() {
        logger.notice(
            "replication starting",
            metadata: [
                "peer": "\(configuration.peerAddress)", "node": "\(configuration.identity.name)",
                "mode": "\(configuration.mode.rawValue)", "repl_id": "\(configuration.replicationID)",
            ])
        if configuration.secret == nil, tls == nil {
            logger.warning("replication runs without --repl-secret-file: any client can join the pair")
        }
        // The coalescing sleep is 200 µs: the default 50 µs of timer slack would add a quarter to it.
        _ = replicacache_set_timer_slack(1000)
        drive(.start)
        while !stopping {
            // The wake-up event always stays registered, so this returns only after callbacks ran.
            guard event_base_loop(base, EVLOOP_ONCE) >= 0 else { break }
            // Coalescing: sleep the interval out, send what piled up, and let the events that
            // became ready meanwhile (acks, the peer's writes) run before the next interval.
            while let deadline = coalescingDeadline, !stopping {
                var until = deadline
                while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nil) == EINTR {}
                coalescingDeadline = nil
                coalescingIntervalEnded()
                event_base_loop(base, EVLOOP_NONBLOCK)
            }
        }
        for event in events { event_free(event) }
        wakeSignal.disarm()
        CallbackContext<ReplicationLink>.release(context)
    }

    fileprivate func wakeUp() {
        wakeSignal.drain()
        wakePending.store(false, ordering: .relaxed)
        let arrived = handoffs.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        for handoff in arrived {
            if handoff.fd < 0 {
                shutDown()
                return
            }
            let transport = Transport(fd: handoff.fd, tls: handoff.tls)
            if tls != nil, handoff.tls?.peerCertificateVerified != true {
                logger.warning(
                    "incoming replication refused",
                    metadata: ["reason": "--repl-tls: the connection showed no certificate signed by ssl_ca_cert"])
                transport.close()
                continue
            }
            let connection = IncomingReplication(transport: transport, link: self)
            incoming[handoff.fd] = connection
            connection.start(buffered: handoff.buffered)
        }
        sendFetches()
        sendBacklog()
    }

    /// Sends the queued read-throughs as FETCH frames on the peer connection. While the link is on its way up
    /// they wait for it (the worker's timeout bounds that); with no link coming, they complete at once and the
    /// worker answers its local miss.
    private func sendFetches() {
        fetchesAwaitingLink += readThroughQueue.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        guard !fetchesAwaitingLink.isEmpty else { return }
        switch outgoing.state {
        case .connecting, .handshaking, .awaitingAcceptance:
            return
        case .idle, .waitingToReconnect:
            for request in fetchesAwaitingLink { request.worker.readThroughCompleted(ticket: request.ticket) }
            fetchesAwaitingLink.removeAll()
        case .fullSync, .streaming:
            guard let peer else { return }
            let requests = fetchesAwaitingLink
            fetchesAwaitingLink.removeAll()
            for request in requests {
                for key in request.keys {
                    let id = nextFetchID
                    nextFetchID += 1
                    fetchesInFlight[id] = request
                    key.withUnsafeBytes { FrameEncoder.appendFetch(requestID: id, key: $0, to: peer.output) }
                }
            }
            if let failure = peer.flush() { drive(failure) }
        }
    }

    /// The peer answered a FETCH: its item is applied by the version rules (a newer local state or the resync's
    /// own copy wins), so the waiting request then finds it locally.
    private func fetched(requestID: UInt64, item: ItemFrame?, in bytes: UnsafeRawBufferPointer) {
        guard let request = fetchesInFlight.removeValue(forKey: requestID) else { return }
        if let item {
            readThroughHits.wrappingIncrement(ordering: .relaxed)
            _ = cache.apply(
                key: UnsafeRawBufferPointer(rebasing: bytes[item.key]), flags: item.flags, expiresAt: item.expiresAt,
                value: UnsafeRawBufferPointer(rebasing: bytes[item.value]), version: item.version)
        } else {
            readThroughMisses.wrappingIncrement(ordering: .relaxed)
        }
        request.remaining -= 1
        if request.remaining == 0 { request.worker.readThroughCompleted(ticket: request.ticket) }
    }

    /// The link dropped: nothing in flight will be answered.
    private func abandonFetches() {
        guard !fetchesInFlight.isEmpty else { return }
        var told = Set<ObjectIdentifier>()
        for request in fetchesInFlight.values where told.insert(ObjectIdentifier(request)).inserted {
            request.worker.readThroughCompleted(ticket: request.ticket)
        }
        fetchesInFlight.removeAll()
    }

    private func coalescingIntervalEnded() {
        wakePending.store(false, ordering: .releasing)
        sendBacklog()
    }

    /// Sends what the workers appended. In async mode a send starts a coalescing interval: until it
    /// ends, `wakePending` stays set, so workers append without waking the link.
    private func sendBacklog() {
        let sentBefore = outgoing.sentOffset
        drive(.backlogAppended)
        guard configuration.mode == .async, outgoing.state == .streaming, outgoing.sentOffset != sentBefore else {
            return
        }
        wakePending.store(true, ordering: .releasing)
        coalescingDeadline = Self.monotonicNow(plus: Self.coalescingInterval)
    }

    private func shutDown() {
        stopping = true
        abandonFetches()
        for request in fetchesAwaitingLink { request.worker.readThroughCompleted(ticket: request.ticket) }
        fetchesAwaitingLink.removeAll()
        peer?.close()
        peer = nil
        for connection in Array(incoming.values) { connection.close() }
        event_base_loopexit(base, nil)
    }

    func incomingClosed(_ connection: IncomingReplication) {
        incoming[connection.fd] = nil
    }

    /// A peer that redialed before its old connection was seen to die: the old one goes.
    func incomingIdentified(_ connection: IncomingReplication, peer: UInt32) {
        for other in Array(incoming.values) where other !== connection && other.peerID == peer {
            logger.notice("closing a stale replication connection", metadata: ["fd": "\(other.fd)"])
            other.close()
        }
        // The peer is up (it may have just restarted and waits for this node's resync): dial it now.
        drive(.peerReachable)
    }

    var backlogWindow: BacklogWindow {
        backlog.window
    }

    /// Any thread, for a draining stop: whether the peer acknowledged every write published so far.
    var peerHasEverything: Bool {
        ackedOffset.load(ordering: .relaxed) >= backlog.window.endOffset
    }

    /// Feeds an event to the outgoing stream and performs what it asks, including the events
    /// that performing produces.
    func drive(_ first: OutgoingEvent) {
        guard !stopping else { return }
        var pending = [first]
        while !pending.isEmpty {
            let event = pending.removeFirst()
            let window = backlogWindow
            for action in outgoing.handle(event, backlog: window, now: .now) {
                if let next = perform(action) { pending.append(next) }
            }
        }
        if !fetchesAwaitingLink.isEmpty { sendFetches() }
        publishStatus()
    }

    private func perform(_ action: OutgoingAction) -> OutgoingEvent? {
        switch action {
        case .connect:
            return dial()
        case .send(let bytes):
            peer?.output.append(bytes)
            return peer?.flush()
        case .sendBacklog(let offset, let length):
            guard let peer else { return nil }
            let copied = backlog.copy(from: offset, maxLength: length, to: peer.output)
            precondition(copied == length, "backlog no longer holds what the stream asked for")
            return peer.flush()
        case .startFullSync(let offset):
            logger.notice("full resync to peer starts", metadata: ["offset": "\(offset)"])
            if let mark = cache.flushMark, let peer { FrameEncoder.appendFlush(mark, to: peer.output) }
            return nil
        case .sendWalkChunk(let shard, let startBucket, let limit):
            guard let peer else { return nil }
            let before = peer.output.count
            let next = cache.forEachState(shard: shard, startBucket: startBucket, limit: limit) { state in
                FrameEncoder.appendRecord(state, to: peer.output)
            }
            let bytes = peer.output.count - before
            if let failure = peer.flush() { return failure }
            return .walkChunkSent(nextBucket: next, bytes: bytes)
        case .handshakeCompleted(let peerName, let authenticated, let mode):
            logger.notice(
                "replication link up",
                metadata: ["peer": "\(peerName)", "authenticated": "\(authenticated)", "resync": "\(mode)"])
            return nil
        case .close(let reason):
            logger.warning("replication link closed", metadata: ["reason": "\(reason)"])
            peer?.close()
            peer = nil
            abandonFetches()
            return nil
        case .scheduleReconnect(let delay), .scheduleTimer(let delay):
            var interval = Self.timeval(delay)
            evtimer_add_shim(reconnectTimer, &interval)
            return nil
        }
    }

    private func dial() -> OutgoingEvent? {
        do {
            let connection = try PeerConnection.dial(host: settings.peerHost, port: settings.peerPort, link: self)
            peer = connection
            return nil  // `connected` or `disconnected` follows when the socket is writable
        } catch {
            return .disconnected(reason: "\(error)")
        }
    }

    func peerConnected() {
        drive(.connected)
        drive(.writableSpace(bytes: Self.outputHighWater))
    }

    func peerFailed(_ reason: String) {
        peer?.close()
        peer = nil
        abandonFetches()
        streaming.store(false, ordering: .relaxed)
        acknowledgementsChanged()
        drive(.disconnected(reason: reason))
    }

    func peerFrame(_ frame: ReplicationFrame, in bytes: UnsafeRawBufferPointer) {
        if case .fetched(let requestID, let item) = frame {
            fetched(requestID: requestID, item: item, in: bytes)
            return
        }
        drive(.frameReceived(frame))
        // Only sync-mode replies wait for acks: in async mode waking the workers for one would be wasted.
        if case .ack = frame, configuration.mode == .sync { acknowledgementsChanged() }
    }

    func peerWritable(space: Int) {
        drive(.writableSpace(bytes: space))
    }

    /// An incoming connection applied `count` of the peer's records, written at `writtenAt` or shortly after.
    func recordVisible(count: Int, writtenAt: UInt64) {
        let now = SharedBacklog.wallClockNanoseconds()
        visibilityLag.withLock { $0.record(count: count, writtenAt: writtenAt, visibleAt: now) }
    }

    fileprivate func reconnectTimerFired() {
        drive(.timerFired)
    }

    /// What sync-mode replies wait on goes out at once; the `stats replication` snapshot is rebuilt
    /// at most once per `statusInterval`, since under load the link sees thousands of events a second.
    private func publishStatus() {
        // Read through while refilling, once the link is up or on its way up (not while it waits out a backoff:
        // then the peer is down and a miss is answered at once).
        let linkComing = outgoing.state != .idle && outgoing.state != .waitingToReconnect
        let reading = linkComing && applier.isFullResyncInProgress
        if readThroughActive.load(ordering: .relaxed) != reading {
            readThroughActive.store(reading, ordering: .relaxed)
        }
        let isStreaming = outgoing.state == .streaming
        if streaming.exchange(isStreaming, ordering: .relaxed) != isStreaming { acknowledgementsChanged() }
        if ackedOffset.load(ordering: .relaxed) != outgoing.ackedOffset {
            ackedOffset.store(outgoing.ackedOffset, ordering: .relaxed)
        }
        guard !statusRefreshPending else { return }
        statusRefreshPending = true
        var interval = Self.timeval(Self.statusInterval)
        evtimer_add_shim(statusTimer, &interval)
    }

    fileprivate func refreshStatus() {
        statusRefreshPending = false
        var status = outgoing.status(backlog: backlogWindow, now: .now)
        status.addIncoming(from: applier)
        status.lagRecords = backlog.recordsAfter(outgoing.ackedOffset)
        statusSnapshot.withLock { $0 = status }
    }

    /// Incoming connections change what `stats replication` shows too.
    func incomingChanged() {
        publishStatus()
    }

    static func monotonicNow(plus duration: Duration) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let (seconds, attoseconds) = duration.components
        var nanoseconds = now.tv_nsec + Int(attoseconds / 1_000_000_000)
        var wholeSeconds = now.tv_sec + Int(seconds)
        if nanoseconds >= 1_000_000_000 {
            nanoseconds -= 1_000_000_000
            wholeSeconds += 1
        }
        return timespec(tv_sec: wholeSeconds, tv_nsec: nanoseconds)
    }

    static func timeval(_ duration: Duration) -> Glibc.timeval {
        let (seconds, attoseconds) = duration.components
        return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}

private let runLink: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { context in
    CallbackContext<ReplicationLink>.object(from: context).run()
    CallbackContext<ReplicationLink>.release(context)
    return nil
}

private let onLinkWake: event_callback_fn = { _, _, context in
    CallbackContext<ReplicationLink>.object(from: context).wakeUp()
}

private let onStatusTimer: event_callback_fn = { _, _, context in
    CallbackContext<ReplicationLink>.object(from: context).refreshStatus()
}

private let onReconnectTimer: event_callback_fn = { _, _, context in
    CallbackContext<ReplicationLink>.object(from: context).reconnectTimerFired()
}
