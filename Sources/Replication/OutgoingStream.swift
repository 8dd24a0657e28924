/// The dialer's side of one peer link: handshake, partial or full resync, backlog streaming, acks
/// and reconnects. Events in, actions out; the event loop performs the actions and owns the socket,
/// the backlog and the cache.
public struct OutgoingStream {
    public let configuration: ReplicationConfiguration
    public private(set) var state: OutgoingState = .idle
    /// Offset up to which backlog bytes were handed to the connection.
    public private(set) var sentOffset: UInt64 = 0
    /// Offset up to which the backlog may be sent: where it ended at the last `backlogAppended`
    /// (or when streaming began). Other events (acks, space on the connection) send only up to
    /// here, so the batches the event loop coalesces into one send do not leave as writes of
    /// their own whenever the connection reports space.
    public private(set) var releasedOffset: UInt64 = 0
    /// Offset up to which the peer has applied: sync-mode writes wait for it.
    public private(set) var ackedOffset: UInt64 = 0
    /// The walk position while `state` is `fullSync`.
    public private(set) var walkCursor: WalkCursor?
    public private(set) var peerName: String?
    public private(set) var peerNodeID: UInt32?
    public private(set) var fullResyncs: UInt64 = 0
    public private(set) var partialResyncs: UInt64 = 0
    public private(set) var reconnects: UInt64 = 0
    public private(set) var lastError: String?

    private var random: any RandomNumberGenerator
    private var handshake: DialerHandshake?
    private var deadline: ContinuousClock.Instant?
    private var attempt = 0
    /// Bytes the connection can take now, as last reported.
    private var credit = 0
    private var walkStartOffset: UInt64 = 0
    private var walkChunkInFlight = false
    /// The resync STREAM_START asked for, until the peer's first ACK accepts it.
    private var pendingStart: (mode: StreamMode, authenticated: Bool)?
    /// When the unacknowledged part of the backlog was appended, for lag in time.
    private var appends = AppendTimeline()

    /// `random` supplies nonces and jitter; tests pass a seeded generator.
    public init(configuration: ReplicationConfiguration, random: any RandomNumberGenerator) {
        self.configuration = configuration
        self.random = random
    }

    public mutating func handle(_ event: OutgoingEvent, backlog: BacklogWindow, now: ContinuousClock.Instant)
        -> [OutgoingAction]
    {
        switch event {
        case .start:
            guard state == .idle else { return [] }
            state = .connecting
            return [.connect]
        case .connected:
            guard state == .connecting else { return [] }
            return sendHello(backlog: backlog, now: now)
        case .frameReceived(let frame):
            return receive(frame, backlog: backlog, now: now)
        case .backlogAppended:
            if ackedOffset < backlog.endOffset { appends.appended(upTo: backlog.endOffset, now: now) }
            releasedOffset = backlog.endOffset
            return pump(backlog: backlog, now: now)
        case .writableSpace(let bytes):
            credit = max(bytes, 0)
            return pump(backlog: backlog, now: now)
        case .walkChunkSent(let nextBucket, let bytes):
            return walkChunkSent(nextBucket: nextBucket, bytes: bytes, backlog: backlog, now: now)
        case .disconnected(let reason):
            guard state != .idle, state != .waitingToReconnect else { return [] }
            lastError = reason
            return waitToReconnect(now: now)
        case .timerFired:
            return timerFired(now: now)
        case .peerReachable:
            // A restarted peer would otherwise wait up to the longest backoff for its resync from this node.
            guard state == .waitingToReconnect else { return [] }
            deadline = nil
            attempt = 0
            state = .connecting
            return [.connect]
        }
    }

    /// The snapshot behind `stats replication`; the server adds what only it knows.
    public func status(backlog: BacklogWindow, now: ContinuousClock.Instant) -> ReplicationStatus {
        var status = ReplicationStatus()
        status.state = state.name
        status.peer = peerName ?? configuration.peerAddress
        status.nodeName = configuration.identity.name
        status.nodeID = configuration.identity.id
        status.peerNodeID = peerNodeID ?? 0
        status.replicationID = configuration.replicationID
        status.offset = backlog.endOffset
        status.sentOffset = sentOffset
        status.ackedOffset = ackedOffset
        status.lagBytes = backlog.endOffset - min(ackedOffset, backlog.endOffset)
        if let oldest = appends.oldestUnacknowledged, status.lagBytes > 0 {
            status.lagMilliseconds = UInt64(max(0, (now - oldest) / .milliseconds(1)))
        }
        status.fullResyncs = fullResyncs
        status.partialResyncs = partialResyncs
        status.reconnects = reconnects
        status.lastError = lastError ?? ""
        return status
    }

    private mutating func sendHello(backlog: BacklogWindow, now: ContinuousClock.Instant) -> [OutgoingAction] {
        let dialer = DialerHandshake(
            identity: configuration.identity, secret: configuration.secret, nonce: Handshake.nonce(using: &random))
        handshake = dialer
        state = .handshaking
        deadline = now + configuration.handshakeTimeout
        let hello = dialer.hello(replicationID: configuration.replicationID, nextOffset: backlog.endOffset)
        return [
            .send(FrameEncoder.bytes { FrameEncoder.appendHello(hello, to: $0) }),
            .scheduleTimer(after: configuration.handshakeTimeout),
        ]
    }

    private mutating func receive(_ frame: ReplicationFrame, backlog: BacklogWindow, now: ContinuousClock.Instant)
        -> [OutgoingAction]
    {
        // Frames still in flight from a connection this stream already closed are stale.
        guard state == .handshaking || state == .awaitingAcceptance || state == .fullSync || state == .streaming
        else { return [] }
        switch (frame, state) {
        case (.welcome(let welcome), .handshaking):
            return answer(welcome, backlog: backlog, now: now)
        case (.ack(let offset), .awaitingAcceptance):
            return accepted(at: offset, backlog: backlog, now: now)
        case (.ack(let offset), .streaming), (.ack(let offset), .fullSync):
            guard offset <= sentOffset else {
                return fail("peer acked offset \(offset) beyond \(sentOffset)", now: now)
            }
            ackedOffset = max(ackedOffset, offset)
            appends.acknowledged(upTo: ackedOffset)
            return []
        case (.error(let message), _):
            return fail("peer: \(message)", now: now)
        default:
            return fail("unexpected \(frame.opcode) frame while \(state.name)", now: now)
        }
    }

    private mutating func answer(_ welcome: WelcomeFrame, backlog: BacklogWindow, now: ContinuousClock.Instant)
        -> [OutgoingAction]
    {
        guard let handshake else { return fail("welcome without hello", now: now) }
        let authenticated: Bool
        switch handshake.verify(welcome) {
        case .accepted(let verified): authenticated = verified
        case .rejected(let reason): return fail(reason, now: now, errorFrame: reason)
        }
        peerName = welcome.nodeName
        peerNodeID = welcome.nodeID
        let proof = handshake.proof(for: welcome)
        let mode: StreamMode
        let firstOffset: UInt64
        if welcome.lastReplicationID == configuration.replicationID, backlog.contains(offset: welcome.nextOffset) {
            mode = .partial
            firstOffset = welcome.nextOffset
        } else {
            mode = .full
            firstOffset = backlog.endOffset
            walkCursor = WalkCursor(shard: 0, bucket: 0)
            walkStartOffset = firstOffset
            walkChunkInFlight = false
        }
        sentOffset = firstOffset
        // The peer may still refuse the proof: nothing is streamed or counted until it acks. The
        // handshake deadline stays armed for that wait.
        pendingStart = (mode, authenticated)
        state = .awaitingAcceptance
        let start = StreamStartFrame(mode: mode, replicationID: configuration.replicationID, firstOffset: firstOffset)
        let bytes = FrameEncoder.bytes {
            FrameEncoder.appendProof(mac: proof, to: $0)
            FrameEncoder.appendStreamStart(start, to: $0)
        }
        return [.send(bytes)]
    }

    /// The peer's first ACK, of the offset STREAM_START named: it took the proof, the link is up.
    private mutating func accepted(at offset: UInt64, backlog: BacklogWindow, now: ContinuousClock.Instant)
        -> [OutgoingAction]
    {
        guard let pendingStart else { return fail("ack before stream start", now: now) }
        guard offset == sentOffset else {
            return fail("peer accepted at offset \(offset), stream starts at \(sentOffset)", now: now)
        }
        self.pendingStart = nil
        deadline = nil
        attempt = 0
        var actions: [OutgoingAction] = [
            .handshakeCompleted(
                peerName: peerName ?? configuration.peerAddress, authenticated: pendingStart.authenticated,
                mode: pendingStart.mode)
        ]
        switch pendingStart.mode {
        case .partial:
            partialResyncs += 1
            state = .streaming
            releasedOffset = backlog.endOffset
            ackedOffset = max(ackedOffset, offset)
            appends.acknowledged(upTo: ackedOffset)
        case .full:
            // This ack is not of walked records: the acked offset moves only after FULL_SYNC_DONE.
            fullResyncs += 1
            state = .fullSync
            actions.append(.startFullSync(fromOffset: walkStartOffset))
        }
        return actions + pump(backlog: backlog, now: now)
    }

    private mutating func walkChunkSent(
        nextBucket: Int?, bytes: Int, backlog: BacklogWindow, now: ContinuousClock.Instant
    ) -> [OutgoingAction] {
        guard state == .fullSync, walkChunkInFlight, var cursor = walkCursor else { return [] }
        walkChunkInFlight = false
        credit = max(0, credit - bytes)
        if let nextBucket {
            cursor.bucket = nextBucket
        } else {
            cursor = WalkCursor(shard: cursor.shard + 1, bucket: 0)
        }
        walkCursor = cursor
        guard cursor.shard >= configuration.shardCount else { return pump(backlog: backlog, now: now) }
        // The walk is over: the receiver continues from the offset noted when it began.
        walkCursor = nil
        state = .streaming
        sentOffset = walkStartOffset
        releasedOffset = backlog.endOffset
        let done = FrameEncoder.bytes { FrameEncoder.appendFullSyncDone(offset: walkStartOffset, to: $0) }
        return [.send(done)] + pump(backlog: backlog, now: now)
    }

    /// Hands the connection as much work as it has room for.
    private mutating func pump(backlog: BacklogWindow, now: ContinuousClock.Instant) -> [OutgoingAction] {
        switch state {
        case .streaming:
            guard backlog.contains(offset: sentOffset) else {
                return fail("backlog overran the link at offset \(sentOffset)", now: now)
            }
            let pending = min(backlog.endOffset, max(releasedOffset, sentOffset)) - sentOffset
            guard credit > 0, pending > 0 else { return [] }
            let length = Int(min(UInt64(credit), pending))
            let action = OutgoingAction.sendBacklog(fromOffset: sentOffset, length: length)
            sentOffset += UInt64(length)
            credit -= length
            return [action]
        case .fullSync:
            // Without the walk's start offset the resync could not continue from the backlog.
            guard backlog.contains(offset: walkStartOffset) else {
                return fail("backlog overran the full resync at offset \(walkStartOffset)", now: now)
            }
            guard credit > 0, !walkChunkInFlight, let cursor = walkCursor else { return [] }
            walkChunkInFlight = true
            return [
                .sendWalkChunk(shard: cursor.shard, startBucket: cursor.bucket, limit: configuration.walkChunkLimit)
            ]
        default:
            return []
        }
    }

    private mutating func timerFired(now: ContinuousClock.Instant) -> [OutgoingAction] {
        guard let deadline else { return [] }
        guard now >= deadline else { return [.scheduleTimer(after: deadline - now)] }
        switch state {
        case .waitingToReconnect:
            self.deadline = nil
            state = .connecting
            return [.connect]
        case .handshaking, .awaitingAcceptance:
            return fail("handshake timed out", now: now)
        default:
            return []
        }
    }

    /// Closes the link and schedules the next attempt. An ERROR frame is only sent during the
    /// handshake: once streaming, the connection may be in the middle of a frame.
    private mutating func fail(_ reason: String, now: ContinuousClock.Instant, errorFrame: String? = nil)
        -> [OutgoingAction]
    {
        lastError = reason
        var actions: [OutgoingAction] = []
        if let errorFrame {
            actions.append(
                .send(
                    FrameEncoder.bytes {
                        FrameEncoder.appendError(errorFrame, magic: ReplicationOpcode.dialerMagic, to: $0)
                    }))
        }
        actions.append(.close(reason: reason))
        return actions + waitToReconnect(now: now)
    }

    private mutating func waitToReconnect(now: ContinuousClock.Instant) -> [OutgoingAction] {
        handshake = nil
        pendingStart = nil
        walkCursor = nil
        walkChunkInFlight = false
        credit = 0
        reconnects += 1
        state = .waitingToReconnect
        let delay = configuration.backoff.delay(attempt: attempt, using: &random)
        attempt += 1
        deadline = now + delay
        return [.scheduleReconnect(after: delay)]
    }
}
