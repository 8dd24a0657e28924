/// The acceptor's side of one replication connection: handshake, then the peer's records applied
/// through a `ReplicaApplier`, with acks batched per the mode.
public struct IncomingStream {
    public let configuration: ReplicationConfiguration
    public let applier: ReplicaApplier
    public private(set) var state: IncomingState = .awaitingHello
    public private(set) var peer: NodeIdentity?
    /// The offset last acked to the dialer.
    public private(set) var ackedOffset: UInt64 = 0

    private var random: any RandomNumberGenerator
    private var handshake: AcceptorHandshake?
    /// The peer's stream as applied on this connection.
    private var progress = PeerProgress.none
    private var lastAckAt: ContinuousClock.Instant?
    private var timerPending = false
    /// The latest WRITE TIME: the records since were written on the peer then or later.
    private var writtenAt: UInt64?
    /// Streamed records applied under `writtenAt` and not yet reported visible.
    private var recordsSinceReport = 0

    public init(configuration: ReplicationConfiguration, applier: ReplicaApplier, random: any RandomNumberGenerator) {
        self.configuration = configuration
        self.applier = applier
        self.random = random
    }

    /// Whether a client connection's first bytes are a replication HELLO: the server then hands the
    /// connection to an `IncomingStream`. Answers false until two bytes are there.
    public static func startsWithHello(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == ReplicationOpcode.dialerMagic && bytes[1] == ReplicationOpcode.hello.rawValue
    }

    /// Decodes and handles every whole frame in `bytes` as one batch. The caller drops `consumed`
    /// bytes and keeps the rest for the next read.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant)
        -> (consumed: Int, actions: [IncomingAction])
    {
        guard state != .closed else { return (bytes.count, []) }
        var consumed = 0
        var actions: [IncomingAction] = []
        while state != .closed {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[consumed...])
            switch configuration.decoder.decode(rest) {
            case .needMoreData:
                return (consumed, actions + reportVisible() + ackIfDue(now: now))
            case .invalid(let reason):
                return (bytes.count, actions + refuse("invalid frame: \(reason)"))
            case .frame(let frame, let length):
                actions += handle(frame, in: rest, length: length, now: now)
                consumed += length
            }
        }
        return (bytes.count, actions)
    }

    /// The batched-ack timer fired.
    public mutating func timerFired(now: ContinuousClock.Instant) -> [IncomingAction] {
        timerPending = false
        guard state != .closed else { return [] }
        return ackIfDue(now: now)
    }

    private mutating func handle(
        _ frame: ReplicationFrame, in bytes: UnsafeRawBufferPointer, length: Int, now: ContinuousClock.Instant
    ) -> [IncomingAction] {
        switch (frame, state) {
        case (.item, .streaming), (.tombstone, .streaming), (.flush, .streaming):
            applier.apply(frame, in: bytes)
            advance(past: length)
            if writtenAt != nil { recordsSinceReport += 1 }
            return []
        case (.item, .fullSync), (.tombstone, .fullSync), (.flush, .fullSync):
            // Walk records are not part of the offset stream.
            applier.apply(frame, in: bytes)
            return []
        case (.fullSyncDone(let offset), .fullSync):
            guard offset == progress.nextOffset, let peer else {
                return refuse("full resync done at \(offset), started at \(progress.nextOffset)")
            }
            applier.finishFullResync(peer: peer.id, progress: progress)
            state = .streaming
            return ack(now: now)
        case (.fetch(let requestID, let key), .fullSync), (.fetch(let requestID, let key), .streaming):
            // A read-through from the peer while it warms up: answered from this node's store, outside the stream.
            let answer = applier.cache.withLiveState(key: UnsafeRawBufferPointer(rebasing: bytes[key])) { state in
                FrameEncoder.bytes { FrameEncoder.appendFetched(requestID: requestID, item: state, to: $0) }
            }
            return [.send(answer)]
        case (.writeTime(let nanoseconds), .streaming):
            advance(past: length)
            let reported = reportVisible()
            writtenAt = nanoseconds
            return reported
        case (.hello(let hello), .awaitingHello):
            return answer(hello)
        case (.proof(let mac), .awaitingProof):
            return check(proof: mac)
        case (.streamStart(let start), .awaitingStreamStart):
            return begin(start, now: now)
        case (.error(let message), _):
            state = .closed
            return [.close(reason: "peer: \(message)")]
        default:
            return refuse("unexpected \(frame.opcode) frame")
        }
    }

    private mutating func answer(_ hello: HelloFrame) -> [IncomingAction] {
        let acceptor = AcceptorHandshake(
            identity: configuration.identity, secret: configuration.secret, nonce: Handshake.nonce(using: &random))
        if let reason = acceptor.check(hello) { return refuse(reason) }
        handshake = acceptor
        peer = NodeIdentity(name: hello.nodeName, id: hello.nodeID)
        state = .awaitingProof
        let welcome = acceptor.welcome(answering: hello, progress: applier.progress(forPeer: hello.nodeID))
        return [.send(FrameEncoder.bytes { FrameEncoder.appendWelcome(welcome, to: $0) })]
    }

    private mutating func check(proof: [UInt8]) -> [IncomingAction] {
        guard let handshake, let peer else { return refuse("proof before hello") }
        switch handshake.verify(proof: proof) {
        case .rejected(let reason):
            return refuse("authentication failed: \(reason)")
        case .accepted(let authenticated):
            state = .awaitingStreamStart
            return [.handshakeCompleted(peerName: peer.name, authenticated: authenticated)]
        }
    }

    private mutating func begin(_ start: StreamStartFrame, now: ContinuousClock.Instant) -> [IncomingAction] {
        guard let peer else { return refuse("stream before hello") }
        progress = PeerProgress(replicationID: start.replicationID, nextOffset: start.firstOffset)
        switch start.mode {
        case .partial:
            guard progress == applier.progress(forPeer: peer.id) else {
                return refuse("partial resync at an offset this node did not ask for")
            }
            applier.finishWarming()
            state = .streaming
        case .full:
            applier.beginFullResync(peer: peer.id)
            state = .fullSync
        }
        // At once, whatever the ack batching: the dialer counts the link up only on this ack.
        return ack(now: now)
    }

    /// A frame of the offset stream was handled: the next offset wanted moves past it, for this peer's next link.
    private mutating func advance(past length: Int) {
        progress.nextOffset += UInt64(length)
        if let peer { applier.record(progress, forPeer: peer.id) }
    }

    /// The records applied since the last report are visible once this read's actions run: one report per read
    /// (or per WRITE TIME), so the caller reads the clock once for a whole batch.
    private mutating func reportVisible() -> [IncomingAction] {
        guard let writtenAt, recordsSinceReport > 0 else { return [] }
        defer { recordsSinceReport = 0 }
        return [.recordsVisible(count: recordsSinceReport, writtenAt: writtenAt)]
    }

    /// Acks what was applied: at once in sync mode, otherwise when enough bytes or time piled up.
    private mutating func ackIfDue(now: ContinuousClock.Instant) -> [IncomingAction] {
        guard state == .streaming, progress.nextOffset > ackedOffset else { return [] }
        if configuration.mode == .sync || progress.nextOffset - ackedOffset >= configuration.ackBytes {
            return ack(now: now)
        }
        guard let lastAckAt else { return ack(now: now) }
        let elapsed = now - lastAckAt
        if elapsed >= configuration.ackInterval { return ack(now: now) }
        guard !timerPending else { return [] }
        timerPending = true
        return [.scheduleTimer(after: configuration.ackInterval - elapsed)]
    }

    private mutating func ack(now: ContinuousClock.Instant) -> [IncomingAction] {
        ackedOffset = progress.nextOffset
        lastAckAt = now
        return [.send(FrameEncoder.bytes { FrameEncoder.appendAck(offset: progress.nextOffset, to: $0) })]
    }

    /// Tells the dialer why, then closes; acceptor frames are whole, so ERROR can follow anything.
    private mutating func refuse(_ reason: String) -> [IncomingAction] {
        if state == .streaming, let peer {
            // A stream that broke mid-way is not trusted to resume by offset: the next link walks the store.
            applier.record(.none, forPeer: peer.id)
        }
        state = .closed
        let error = FrameEncoder.bytes {
            FrameEncoder.appendError(reason, magic: ReplicationOpcode.acceptorMagic, to: $0)
        }
        return [.send(error), .close(reason: reason)]
    }
}
