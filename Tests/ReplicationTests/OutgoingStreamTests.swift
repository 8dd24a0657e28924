import Replication
import Testing

private let identity = NodeIdentity(name: "a", id: 1)
private let replicationID: UInt64 = 0xA11CE

private func configuration(shards: Int = 2, secret: ReplicationSecret? = nil) -> ReplicationConfiguration {
    ReplicationConfiguration(
        identity: identity, replicationID: replicationID, secret: secret, peerAddress: "peer:11211", shardCount: shards,
        walkChunkLimit: 8)
}

private func welcome(lastReplicationID: UInt64, nextOffset: UInt64) -> ReplicationFrame {
    .welcome(
        WelcomeFrame(
            nodeID: 2, lastReplicationID: lastReplicationID, nextOffset: nextOffset, nodeName: "b",
            nonce: Array(repeating: 7, count: 32), mac: []))
}

/// Decodes the frames of one `send` action.
private func frames(_ action: OutgoingAction?) -> [ReplicationFrame] {
    guard case .send(let bytes) = action else { return [] }
    var rest = bytes[...]
    var frames: [ReplicationFrame] = []
    while case .frame(let frame, let consumed) = Array(rest).withUnsafeBytes({ FrameDecoder().decode($0) }) {
        frames.append(frame)
        rest = rest.dropFirst(consumed)
    }
    return frames
}

/// A stream that has dialed and sent HELLO.
private func handshaking(
    _ configuration: ReplicationConfiguration = configuration(), backlog: BacklogWindow, now: ContinuousClock.Instant
) -> OutgoingStream {
    var stream = OutgoingStream(configuration: configuration, random: SeededGenerator(seed: 1))
    #expect(stream.handle(.start, backlog: backlog, now: now) == [.connect])
    _ = hello(from: stream.handle(.connected, backlog: backlog, now: now), backlog: backlog)
    #expect(stream.state == .handshaking)
    return stream
}

/// The HELLO a `connected` event answered with.
private func hello(from actions: [OutgoingAction], backlog: BacklogWindow) -> HelloFrame? {
    guard case .hello(let hello) = frames(actions.first).first else {
        Issue.record("no hello: \(actions)")
        return nil
    }
    #expect(hello.replicationID == replicationID)
    #expect(hello.nextOffset == backlog.endOffset)
    #expect(actions.last == .scheduleTimer(after: .seconds(5)))
    return hello
}

/// Feeds WELCOME, then the acceptor's first ACK of the offset STREAM_START named.
private func accept(
    _ stream: inout OutgoingStream, _ welcome: ReplicationFrame, backlog: BacklogWindow, now: ContinuousClock.Instant
) -> (welcomed: [OutgoingAction], accepted: [OutgoingAction]) {
    let welcomed = stream.handle(.frameReceived(welcome), backlog: backlog, now: now)
    guard case .streamStart(let start) = frames(welcomed.first).last else {
        Issue.record("no stream start: \(welcomed)")
        return (welcomed, [])
    }
    #expect(stream.state == .awaitingAcceptance)
    return (welcomed, stream.handle(.frameReceived(.ack(offset: start.firstOffset)), backlog: backlog, now: now))
}

private func isResyncOrData(_ action: OutgoingAction) -> Bool {
    switch action {
    case .handshakeCompleted, .startFullSync, .sendBacklog, .sendWalkChunk: true
    default: false
    }
}

@Test func welcomeWithOwnIDAndHeldOffsetResumesFromTheBacklog() {
    let now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 100, endOffset: 500)
    var stream = handshaking(backlog: backlog, now: now)
    let (welcomed, accepted) = accept(
        &stream, welcome(lastReplicationID: replicationID, nextOffset: 300), backlog: backlog, now: now)
    #expect(
        frames(welcomed.first) == [
            .proof(mac: []),
            .streamStart(StreamStartFrame(mode: .partial, replicationID: replicationID, firstOffset: 300)),
        ])
    #expect(accepted == [.handshakeCompleted(peerName: "b", authenticated: false, mode: .partial)])
    #expect(stream.state == .streaming)
    #expect(stream.partialResyncs == 1)
    #expect(
        stream.handle(.writableSpace(bytes: 150), backlog: backlog, now: now) == [
            .sendBacklog(fromOffset: 300, length: 150)
        ])
    // Credit spent: more backlog waits for the next report of space.
    #expect(stream.handle(.backlogAppended, backlog: backlog, now: now) == [])
    #expect(
        stream.handle(.writableSpace(bytes: 1000), backlog: backlog, now: now) == [
            .sendBacklog(fromOffset: 450, length: 50)
        ])
    let grown = BacklogWindow(startOffset: 100, endOffset: 600)
    #expect(stream.handle(.backlogAppended, backlog: grown, now: now) == [.sendBacklog(fromOffset: 500, length: 100)])
    #expect(stream.handle(.frameReceived(.ack(offset: 600)), backlog: grown, now: now) == [])
    #expect(stream.ackedOffset == 600)
    #expect(stream.status(backlog: grown, now: now).lagBytes == 0)
}

@Test func onlyAnAppendReleasesNewBacklogToTheConnection() {
    let now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 0, endOffset: 100)
    var stream = handshaking(backlog: backlog, now: now)
    _ = accept(&stream, welcome(lastReplicationID: replicationID, nextOffset: 40), backlog: backlog, now: now)
    // Catching up after the handshake sends everything held when the stream was accepted.
    #expect(
        stream.handle(.writableSpace(bytes: 1000), backlog: backlog, now: now) == [
            .sendBacklog(fromOffset: 40, length: 60)
        ])
    #expect(stream.releasedOffset == 100)
    // Frames appended since, without a `backlogAppended` yet (the event loop is coalescing them),
    // stay put when the connection reports space or an ack arrives...
    let grown = BacklogWindow(startOffset: 0, endOffset: 180)
    #expect(stream.handle(.writableSpace(bytes: 1000), backlog: grown, now: now) == [])
    #expect(stream.handle(.frameReceived(.ack(offset: 100)), backlog: grown, now: now) == [])
    #expect(stream.sentOffset == 100)
    // ...and leave together at the next one.
    #expect(stream.handle(.backlogAppended, backlog: grown, now: now) == [.sendBacklog(fromOffset: 100, length: 80)])
    #expect(stream.releasedOffset == 180)
}

@Test(arguments: [
    (UInt64(0), UInt64(0)),  // a receiver that never saw this node
    (UInt64(0xB0B), UInt64(300)),  // an earlier run of this node
    (replicationID, UInt64(50)),  // this run, but the backlog moved past it
])
func otherwiseWalksTheStoreThenStreamsFromTheNotedOffset(lastID: UInt64, nextOffset: UInt64) {
    let now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 100, endOffset: 500)
    var stream = handshaking(backlog: backlog, now: now)
    let (welcomed, accepted) = accept(
        &stream, welcome(lastReplicationID: lastID, nextOffset: nextOffset), backlog: backlog, now: now)
    #expect(
        frames(welcomed.first).last
            == .streamStart(StreamStartFrame(mode: .full, replicationID: replicationID, firstOffset: 500)))
    #expect(accepted.last == .startFullSync(fromOffset: 500))
    #expect(stream.ackedOffset == 0, "the accepting ack is not of walked records")
    #expect(stream.state == .fullSync)
    #expect(stream.fullResyncs == 1)
    #expect(
        stream.handle(.writableSpace(bytes: 1000), backlog: backlog, now: now) == [
            .sendWalkChunk(shard: 0, startBucket: 0, limit: 8)
        ])
    // One chunk at a time, even with room to spare.
    #expect(stream.handle(.writableSpace(bytes: 1000), backlog: backlog, now: now) == [])
    #expect(
        stream.handle(.walkChunkSent(nextBucket: 8, bytes: 10), backlog: backlog, now: now) == [
            .sendWalkChunk(shard: 0, startBucket: 8, limit: 8)
        ])
    #expect(
        stream.handle(.walkChunkSent(nextBucket: nil, bytes: 10), backlog: backlog, now: now) == [
            .sendWalkChunk(shard: 1, startBucket: 0, limit: 8)
        ])
    let grown = BacklogWindow(startOffset: 100, endOffset: 520)
    let done = stream.handle(.walkChunkSent(nextBucket: nil, bytes: 10), backlog: grown, now: now)
    #expect(frames(done.first) == [.fullSyncDone(offset: 500)])
    #expect(done.dropFirst() == [.sendBacklog(fromOffset: 500, length: 20)])
    #expect(stream.state == .streaming)
}

@Test func walkWaitsForSpace() {
    let now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 0, endOffset: 0)
    var stream = handshaking(backlog: backlog, now: now)
    _ = accept(&stream, welcome(lastReplicationID: 0, nextOffset: 0), backlog: backlog, now: now)
    #expect(stream.handle(.writableSpace(bytes: 100), backlog: backlog, now: now).count == 1)
    #expect(stream.handle(.walkChunkSent(nextBucket: 3, bytes: 100), backlog: backlog, now: now) == [])
    #expect(stream.walkCursor == WalkCursor(shard: 0, bucket: 3))
}

@Test func reconnectDelaysDoubleToFiveSecondsWithinJitter() {
    var now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 0, endOffset: 0)
    var stream = OutgoingStream(configuration: configuration(), random: SeededGenerator(seed: 9))
    #expect(stream.handle(.start, backlog: backlog, now: now) == [.connect])
    var delays: [Duration] = []
    for _ in 0..<9 {
        let actions = stream.handle(.disconnected(reason: "refused"), backlog: backlog, now: now)
        guard case .scheduleReconnect(let delay) = actions.first else {
            Issue.record("no reconnect: \(actions)")
            return
        }
        delays.append(delay)
        // A timer that fires early is re-armed for the rest.
        #expect(
            stream.handle(.timerFired, backlog: backlog, now: now + delay / 2) == [
                .scheduleTimer(after: delay - delay / 2)
            ])
        now += delay
        #expect(stream.handle(.timerFired, backlog: backlog, now: now) == [.connect])
    }
    let bases: [Double] = [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]
    for (delay, base) in zip(delays, bases) {
        let milliseconds = delay / .milliseconds(1)
        #expect(milliseconds >= base * 0.8 && milliseconds <= base * 1.2, "\(milliseconds) vs \(base)")
    }
    #expect(Set(delays.suffix(3)).count == 3, "jitter varies the capped delays")
    #expect(stream.reconnects == 9)
    #expect(stream.lastError == "refused")
}

@Test func completedHandshakeResetsTheBackoff() {
    let now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 0, endOffset: 0)
    var stream = handshaking(backlog: backlog, now: now)
    for _ in 0..<4 {
        _ = stream.handle(.disconnected(reason: "reset"), backlog: backlog, now: now)
        _ = stream.handle(.timerFired, backlog: backlog, now: now + .seconds(10))
        _ = stream.handle(.connected, backlog: backlog, now: now)
    }
    _ = accept(&stream, welcome(lastReplicationID: 0, nextOffset: 0), backlog: backlog, now: now)
    guard
        case .scheduleReconnect(let delay) = stream.handle(.disconnected(reason: "x"), backlog: backlog, now: now).first
    else {
        Issue.record("no reconnect")
        return
    }
    #expect(delay <= .milliseconds(120))
}

@Test func silentPeerTimesOutTheHandshake() {
    let now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 0, endOffset: 0)
    var stream = handshaking(backlog: backlog, now: now)
    #expect(
        stream.handle(.timerFired, backlog: backlog, now: now + .seconds(4)) == [.scheduleTimer(after: .seconds(1))])
    let actions = stream.handle(.timerFired, backlog: backlog, now: now + .seconds(5))
    #expect(actions.first == .close(reason: "handshake timed out"))
    #expect(stream.state == .waitingToReconnect)
}

@Test func ackBeyondWhatWasSentClosesTheLink() {
    let now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 0, endOffset: 100)
    var stream = handshaking(backlog: backlog, now: now)
    _ = accept(&stream, welcome(lastReplicationID: replicationID, nextOffset: 0), backlog: backlog, now: now)
    _ = stream.handle(.writableSpace(bytes: 40), backlog: backlog, now: now)
    let actions = stream.handle(.frameReceived(.ack(offset: 41)), backlog: backlog, now: now)
    guard case .close = actions.first else {
        Issue.record("accepted an ack for unsent bytes: \(actions)")
        return
    }
    #expect(stream.ackedOffset == 0)
}

@Test func errorFromThePeerIsRecordedAndRetried() {
    let now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 0, endOffset: 0)
    var stream = handshaking(backlog: backlog, now: now)
    let actions = stream.handle(.frameReceived(.error(message: "authentication failed")), backlog: backlog, now: now)
    #expect(actions.first == .close(reason: "peer: authentication failed"))
    guard case .scheduleReconnect = actions.last else {
        Issue.record("no reconnect after error")
        return
    }
    #expect(stream.status(backlog: backlog, now: now).lastError == "peer: authentication failed")
}

@Test func welcomeWithAWrongMacGetsAnErrorFrame() {
    let now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 0, endOffset: 0)
    var stream = handshaking(
        configuration(secret: ReplicationSecret(bytes: [1, 2, 3])), backlog: backlog, now: now)
    let forged = ReplicationFrame.welcome(
        WelcomeFrame(
            nodeID: 2, lastReplicationID: 0, nextOffset: 0, nodeName: "b", nonce: Array(repeating: 0, count: 32),
            mac: Array(repeating: 0, count: 32)))
    let actions = stream.handle(.frameReceived(forged), backlog: backlog, now: now)
    guard case .error = frames(actions.first).first else {
        Issue.record("no error frame: \(actions)")
        return
    }
    guard case .close = actions.dropFirst().first else {
        Issue.record("not closed: \(actions)")
        return
    }
    #expect(stream.fullResyncs == 0)
}

@Test func backlogOverrunningTheLinkForcesAReconnect() {
    let now = ContinuousClock.now
    var backlog = BacklogWindow(startOffset: 0, endOffset: 100)
    var stream = handshaking(backlog: backlog, now: now)
    _ = accept(&stream, welcome(lastReplicationID: replicationID, nextOffset: 0), backlog: backlog, now: now)
    _ = stream.handle(.writableSpace(bytes: 40), backlog: backlog, now: now)
    backlog = BacklogWindow(startOffset: 60, endOffset: 160)
    let actions = stream.handle(.backlogAppended, backlog: backlog, now: now)
    #expect(actions.first == .close(reason: "backlog overran the link at offset 40"))
}

@Test func statusReportsLagInBytesAndTime() {
    let now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 0, endOffset: 0)
    var stream = handshaking(backlog: backlog, now: now)
    _ = accept(&stream, welcome(lastReplicationID: replicationID, nextOffset: 0), backlog: backlog, now: now)
    let grown = BacklogWindow(startOffset: 0, endOffset: 80)
    _ = stream.handle(.backlogAppended, backlog: grown, now: now)
    let status = stream.status(backlog: grown, now: now + .milliseconds(250))
    #expect(status.state == "streaming")
    #expect(status.peer == "b")
    #expect(status.peerNodeID == 2)
    #expect(status.lagBytes == 80)
    #expect(status.lagMilliseconds == 250)
    #expect(status.partialResyncs == 1)
}

@Test(arguments: [
    // Wrong secret: the acceptor's WELCOME checks out for the dialer, its proof does not for the acceptor.
    (ReplicationSecret(bytes: Array("ours".utf8)) as ReplicationSecret?, "authentication failed: wrong proof"),
    // The dialer has no secret, the acceptor has one.
    (nil, "authentication failed: missing proof"),
])
func refusedProofNeverStreamsNorCountsAResync(secret: ReplicationSecret?, refusal: String) {
    var now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 0, endOffset: 100)
    var stream = OutgoingStream(configuration: configuration(secret: secret), random: SeededGenerator(seed: 3))
    #expect(stream.handle(.start, backlog: backlog, now: now) == [.connect])
    var delays: [Duration] = []
    for _ in 0..<3 {
        guard let hello = hello(from: stream.handle(.connected, backlog: backlog, now: now), backlog: backlog) else {
            return
        }
        let acceptor = AcceptorHandshake(
            identity: NodeIdentity(name: "b", id: 2), secret: secret, nonce: Array(repeating: 7, count: 32))
        let welcome = acceptor.welcome(
            answering: hello, progress: PeerProgress(replicationID: replicationID, nextOffset: 0))
        var actions = stream.handle(.frameReceived(.welcome(welcome)), backlog: backlog, now: now)
        #expect(stream.status(backlog: backlog, now: now).state == "accepting")
        actions += stream.handle(.writableSpace(bytes: 1000), backlog: backlog, now: now)
        actions += stream.handle(.backlogAppended, backlog: backlog, now: now)
        #expect(!actions.contains(where: isResyncOrData), "\(actions)")
        let refused = stream.handle(.frameReceived(.error(message: refusal)), backlog: backlog, now: now)
        #expect(refused.first == .close(reason: "peer: \(refusal)"))
        #expect(!refused.contains(where: isResyncOrData))
        guard case .scheduleReconnect(let delay) = refused.last else {
            Issue.record("no reconnect: \(refused)")
            return
        }
        delays.append(delay)
        #expect(stream.state == .waitingToReconnect)
        now += delay
        #expect(stream.handle(.timerFired, backlog: backlog, now: now) == [.connect])
    }
    let status = stream.status(backlog: backlog, now: now)
    #expect(status.fullResyncs == 0)
    #expect(status.partialResyncs == 0)
    #expect(status.lastError == "peer: \(refusal)")
    #expect(delays == delays.sorted() && Set(delays).count == 3, "a refusing peer is not redialed at the base delay")
}

@Test(arguments: [StreamMode.partial, .full])
func dialerStreamsAndCountsOneResyncOnlyAfterTheFirstAck(mode: StreamMode) {
    let now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 100, endOffset: 500)
    var stream = handshaking(backlog: backlog, now: now)
    let lastID = mode == .partial ? replicationID : 0
    let welcomed = stream.handle(
        .frameReceived(welcome(lastReplicationID: lastID, nextOffset: 300)), backlog: backlog, now: now)
    guard case .streamStart(let start) = frames(welcomed.first).last, welcomed.count == 1 else {
        Issue.record("expected PROOF and STREAM_START only: \(welcomed)")
        return
    }
    #expect(start.mode == mode)
    #expect(stream.handle(.writableSpace(bytes: 1000), backlog: backlog, now: now) == [], "nothing before acceptance")
    var status = stream.status(backlog: backlog, now: now)
    #expect(status.state == "accepting")
    #expect(status.fullResyncs + status.partialResyncs == 0)

    let accepted = stream.handle(.frameReceived(.ack(offset: start.firstOffset)), backlog: backlog, now: now)
    #expect(accepted.first == .handshakeCompleted(peerName: "b", authenticated: false, mode: mode))
    status = stream.status(backlog: backlog, now: now)
    switch mode {
    case .partial:
        #expect(accepted.dropFirst() == [.sendBacklog(fromOffset: 300, length: 200)], "credit granted while waiting")
        #expect(status.state == "streaming")
        #expect(status.partialResyncs == 1)
        #expect(status.fullResyncs == 0)
    case .full:
        #expect(
            Array(accepted.dropFirst()) == [
                .startFullSync(fromOffset: 500), .sendWalkChunk(shard: 0, startBucket: 0, limit: 8),
            ])
        #expect(status.state == "full_sync")
        #expect(status.fullResyncs == 1)
        #expect(status.partialResyncs == 0)
    }
    // The handshake deadline is disarmed once accepted.
    #expect(stream.handle(.timerFired, backlog: backlog, now: now + .seconds(5)) == [])
}

@Test func disconnectTimeoutOrAWrongAckBeforeAcceptanceCountNoResync() {
    var now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 0, endOffset: 100)
    var stream = handshaking(backlog: backlog, now: now)
    let first = welcome(lastReplicationID: replicationID, nextOffset: 40)
    _ = stream.handle(.frameReceived(first), backlog: backlog, now: now)
    _ = stream.handle(.disconnected(reason: "reset"), backlog: backlog, now: now)
    #expect(stream.state == .waitingToReconnect)

    now += .seconds(10)
    #expect(stream.handle(.timerFired, backlog: backlog, now: now) == [.connect])
    _ = stream.handle(.connected, backlog: backlog, now: now)
    _ = stream.handle(.frameReceived(first), backlog: backlog, now: now)
    #expect(
        stream.handle(.timerFired, backlog: backlog, now: now + .seconds(4)) == [.scheduleTimer(after: .seconds(1))])
    let timedOut = stream.handle(.timerFired, backlog: backlog, now: now + .seconds(5))
    #expect(timedOut.first == .close(reason: "handshake timed out"))

    now += .seconds(20)
    #expect(stream.handle(.timerFired, backlog: backlog, now: now) == [.connect])
    _ = stream.handle(.connected, backlog: backlog, now: now)
    _ = stream.handle(.frameReceived(first), backlog: backlog, now: now)
    let wrong = stream.handle(.frameReceived(.ack(offset: 41)), backlog: backlog, now: now)
    #expect(wrong.first == .close(reason: "peer accepted at offset 41, stream starts at 40"))

    #expect(stream.fullResyncs == 0)
    #expect(stream.partialResyncs == 0)
    #expect(stream.ackedOffset == 0)
    #expect(stream.reconnects == 3)
}

@Test func peerReachableCutsTheBackoffShort() {
    let now = ContinuousClock.now
    let backlog = BacklogWindow(startOffset: 0, endOffset: 0)
    var stream = OutgoingStream(configuration: configuration(), random: SeededGenerator(seed: 3))
    #expect(stream.handle(.peerReachable, backlog: backlog, now: now).isEmpty)
    _ = stream.handle(.start, backlog: backlog, now: now)
    #expect(stream.handle(.peerReachable, backlog: backlog, now: now).isEmpty, "already dialing")
    for _ in 0..<6 { _ = stream.handle(.disconnected(reason: "refused"), backlog: backlog, now: now) }
    #expect(stream.state == .waitingToReconnect)
    #expect(stream.handle(.peerReachable, backlog: backlog, now: now) == [.connect])
    #expect(stream.state == .connecting)
    #expect(stream.handle(.timerFired, backlog: backlog, now: now + .seconds(10)).isEmpty, "the old timer is void")
    guard
        case .scheduleReconnect(let delay) = stream.handle(.disconnected(reason: "x"), backlog: backlog, now: now).first
    else {
        Issue.record("no reconnect")
        return
    }
    #expect(delay <= .milliseconds(120), "the backoff starts over")
}

@Test func lagInTimeIsTheAgeOfTheOldestUnacknowledgedAppendUnderASteadyStream() {
    let start = ContinuousClock.now
    var backlog = BacklogWindow(startOffset: 0, endOffset: 0)
    var stream = handshaking(backlog: backlog, now: start)
    _ = accept(&stream, welcome(lastReplicationID: replicationID, nextOffset: 0), backlog: backlog, now: start)
    _ = stream.handle(.writableSpace(bytes: 1 << 20), backlog: backlog, now: start)
    // Every millisecond 100 bytes more; the peer acks what was there 3 ms earlier, so it is never caught up.
    for millisecond in 1...2000 {
        let now = start + .milliseconds(millisecond)
        backlog = BacklogWindow(startOffset: 0, endOffset: UInt64(millisecond) * 100)
        _ = stream.handle(.backlogAppended, backlog: backlog, now: now)
        _ = stream.handle(.writableSpace(bytes: 1 << 20), backlog: backlog, now: now)
        if millisecond > 3 {
            _ = stream.handle(.frameReceived(.ack(offset: UInt64(millisecond - 3) * 100)), backlog: backlog, now: now)
        }
    }
    let status = stream.status(backlog: backlog, now: start + .milliseconds(2000))
    #expect(status.lagBytes == 300)
    #expect(status.lagMilliseconds == 2, "the oldest unacked bytes went in 2 ms ago, not when the stream started")
    _ = stream.handle(.frameReceived(.ack(offset: 200_000)), backlog: backlog, now: start + .milliseconds(2001))
    #expect(stream.status(backlog: backlog, now: start + .milliseconds(2001)).lagMilliseconds == 0)
}
