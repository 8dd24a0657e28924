import Protocol
import Replication

/// One dialer→acceptor connection between two simulated nodes: a byte queue each way, delivered in
/// ragged chunks so frames arrive split. It can be partitioned (connections cut, new ones refused)
/// and healed, or reset with its in-flight frames lost.
final class InMemoryLink {
    let dialer: ReplicaNode
    let acceptor: ReplicaNode
    var isPartitioned = false
    /// Bytes the dialer's connection accepts before it stops reporting writable space.
    var window = 4096
    private(set) var toAcceptor: [UInt8] = []
    private(set) var toDialer: [UInt8] = []
    private var incoming: IncomingStream?
    private var incomingTimer: ContinuousClock.Instant?
    private(set) var isOpen = false
    private(set) var unauthenticatedHandshakes = 0
    private(set) var closeReasons: [String] = []
    /// Streamed records the acceptor reported visible under a WRITE TIME.
    private(set) var visibleRecords = 0

    init(dialer: ReplicaNode, acceptor: ReplicaNode) {
        self.dialer = dialer
        self.acceptor = acceptor
    }

    var isIdle: Bool { toAcceptor.isEmpty && toDialer.isEmpty }

    /// Feeds an event to the dialer's stream and performs what it asks.
    func dialerHandles(_ event: OutgoingEvent, now: ContinuousClock.Instant) {
        let actions = dialer.outgoing.handle(event, backlog: dialer.backlog.window, now: now)
        for action in actions { perform(action, now: now) }
    }

    /// Cuts the connection as a failing network does: nothing in flight arrives.
    func reset(reason: String, now: ContinuousClock.Instant) {
        guard isOpen else { return }
        closeConnection()
        dialerHandles(.disconnected(reason: reason), now: now)
    }

    /// The acceptor went away (restart): the dialer sees its connection drop.
    func acceptorRestarted(now: ContinuousClock.Instant) {
        reset(reason: "connection reset by peer", now: now)
    }

    /// The dialer went away: its connection is gone without a word to anyone.
    func dialerRestarted() {
        closeConnection()
    }

    /// One tick: deliver up to `chunk` bytes each way, report writable space, fire due timers.
    func step(now: ContinuousClock.Instant, chunk: Int) {
        if let due = dialer.outgoingTimer, now >= due {
            dialer.outgoingTimer = nil
            dialerHandles(.timerFired, now: now)
        }
        guard isOpen else { return }
        deliverToAcceptor(chunk: chunk, now: now)
        guard isOpen else { return }
        deliverToDialer(chunk: chunk, now: now)
        guard isOpen else { return }
        if let due = incomingTimer, now >= due, var stream = incoming {
            incomingTimer = nil
            let actions = stream.timerFired(now: now)
            incoming = stream
            performIncoming(actions, now: now)
        }
        guard isOpen else { return }
        dialerHandles(.writableSpace(bytes: max(0, window - toAcceptor.count)), now: now)
    }

    private func perform(_ action: OutgoingAction, now: ContinuousClock.Instant) {
        switch action {
        case .connect:
            if isPartitioned {
                dialerHandles(.disconnected(reason: "no route to host"), now: now)
            } else {
                isOpen = true
                incoming = acceptor.newIncomingStream()
                dialerHandles(.connected, now: now)
            }
        case .send(let bytes):
            toAcceptor += bytes
        case .sendBacklog(let offset, let length):
            let buffer = ByteBuffer(capacity: length)
            let copied = dialer.backlog.copy(from: offset, maxLength: length, to: buffer)
            precondition(copied == length, "stream asked for bytes the backlog does not hold")
            toAcceptor += buffer.bytes
        case .startFullSync:
            if let mark = dialer.cache.flushMark {
                let buffer = ByteBuffer(capacity: 64)
                FrameEncoder.appendFlush(mark, to: buffer)
                toAcceptor += buffer.bytes
            }
        case .sendWalkChunk(let shard, let startBucket, let limit):
            let buffer = ByteBuffer(capacity: 4096)
            let next = dialer.cache.forEachState(shard: shard, startBucket: startBucket, limit: limit) { state in
                FrameEncoder.appendRecord(state, to: buffer)
            }
            toAcceptor += buffer.bytes
            dialerHandles(.walkChunkSent(nextBucket: next, bytes: buffer.count), now: now)
        case .handshakeCompleted(_, let authenticated, _):
            if !authenticated { unauthenticatedHandshakes += 1 }
        case .close(let reason):
            closeReasons.append(reason)
            closeConnection()
        case .scheduleReconnect(let delay), .scheduleTimer(let delay):
            dialer.outgoingTimer = now + delay
        }
    }

    private func performIncoming(_ actions: [IncomingAction], now: ContinuousClock.Instant) {
        for action in actions {
            switch action {
            case .send(let bytes):
                toDialer += bytes
            case .handshakeCompleted(_, let authenticated):
                if !authenticated { unauthenticatedHandshakes += 1 }
            case .scheduleTimer(let delay):
                incomingTimer = now + delay
            case .recordsVisible(let count, _):
                visibleRecords += count
            case .close(let reason):
                // The acceptor's last frames (an ERROR) still reach the dialer before the close.
                closeReasons.append("acceptor: " + reason)
                deliverFrames(toDialer, now: now)
                if isOpen {
                    closeConnection()
                    dialerHandles(.disconnected(reason: reason), now: now)
                }
                return
            }
        }
    }

    private func deliverToAcceptor(chunk: Int, now: ContinuousClock.Instant) {
        guard var stream = incoming, !toAcceptor.isEmpty else { return }
        let (consumed, actions) = toAcceptor.withUnsafeBytes { bytes in
            stream.consume(UnsafeRawBufferPointer(rebasing: bytes[..<min(chunk, bytes.count)]), now: now)
        }
        incoming = stream
        toAcceptor.removeFirst(consumed)
        performIncoming(actions, now: now)
    }

    private func deliverToDialer(chunk: Int, now: ContinuousClock.Instant) {
        let delivered = Array(toDialer.prefix(chunk))
        let consumed = deliverFrames(delivered, now: now)
        if isOpen { toDialer.removeFirst(consumed) }
    }

    /// Hands the dialer every whole frame in `bytes`; returns the bytes they took.
    @discardableResult
    private func deliverFrames(_ bytes: [UInt8], now: ContinuousClock.Instant) -> Int {
        var consumed = 0
        while isOpen {
            let outcome = bytes.withUnsafeBytes {
                FrameDecoder().decode(UnsafeRawBufferPointer(rebasing: $0[consumed...]))
            }
            guard case .frame(let frame, let length) = outcome else { return consumed }
            consumed += length
            dialerHandles(.frameReceived(frame), now: now)
        }
        return consumed
    }

    private func closeConnection() {
        isOpen = false
        incoming = nil
        incomingTimer = nil
        toAcceptor.removeAll()
        toDialer.removeAll()
    }
}
