import Protocol
import Replication
import Storage
import Testing

private let acceptorIdentity = NodeIdentity(name: "b", id: 2)
private let dialerIdentity = NodeIdentity(name: "a", id: 1)
private let dialerReplicationID: UInt64 = 0xD1A1

/// An acceptor with its own cache, fed bytes as a dialer would send them.
private struct Acceptor {
    let cache: Cache
    let applier: ReplicaApplier
    var stream: IncomingStream
    var now = ContinuousClock.now

    init(secret: ReplicationSecret? = nil, mode: ReplicationMode = .async, applier: ReplicaApplier? = nil) {
        let clock = ManualClock(now: 1_800_000_000)
        cache = applier?.cache ?? Cache(configuration: CacheConfiguration(shardCount: 2), clock: clock)
        self.applier = applier ?? ReplicaApplier(cache: cache)
        let configuration = ReplicationConfiguration(
            identity: acceptorIdentity, replicationID: 0xB0B, secret: secret, mode: mode, shardCount: 2)
        stream = IncomingStream(configuration: configuration, applier: self.applier, random: SeededGenerator(seed: 4))
    }

    mutating func feed(_ bytes: [UInt8]) -> [IncomingAction] {
        let (consumed, actions) = bytes.withUnsafeBytes { stream.consume($0, now: now) }
        #expect(consumed == bytes.count)
        return actions
    }

    /// HELLO and PROOF from a dialer with `secret`; returns the WELCOME it got.
    mutating func handshake(secret: ReplicationSecret? = nil) -> [IncomingAction] {
        let dialer = DialerHandshake(identity: dialerIdentity, secret: secret, nonce: Array(repeating: 1, count: 32))
        let hello = FrameBytes.encode {
            FrameEncoder.appendHello(dialer.hello(replicationID: dialerReplicationID, nextOffset: 0), to: $0)
        }
        let answer = feed(hello)
        guard case .send(let bytes) = answer.first, case .frame(.welcome(let welcome), _) = FrameBytes.decode(bytes)
        else {
            Issue.record("no welcome: \(answer)")
            return []
        }
        return feed(FrameBytes.encode { FrameEncoder.appendProof(mac: dialer.proof(for: welcome), to: $0) })
    }

    mutating func start(_ mode: StreamMode, at offset: UInt64) -> [IncomingAction] {
        feed(
            FrameBytes.encode {
                FrameEncoder.appendStreamStart(
                    StreamStartFrame(mode: mode, replicationID: dialerReplicationID, firstOffset: offset), to: $0)
            })
    }

    /// Handshake, then an empty full resync: the acceptor streams from offset 0.
    mutating func startStreaming() {
        _ = handshake()
        _ = start(.full, at: 0)
        _ = feed(FrameBytes.encode { FrameEncoder.appendFullSyncDone(offset: 0, to: $0) })
    }

    func get(_ key: String) -> String? {
        Array(key.utf8).withUnsafeBytes { key in cache.withItem(key: key) { String(decoding: $0.value, as: UTF8.self) }
        }
    }
}

private func acks(_ actions: [IncomingAction]) -> [UInt64] {
    actions.compactMap { action in
        guard case .send(let bytes) = action, case .frame(.ack(let offset), _) = FrameBytes.decode(bytes) else {
            return nil
        }
        return offset
    }
}

private func isRefusal(_ actions: [IncomingAction]) -> Bool {
    guard case .send(let bytes) = actions.first, case .frame(.error, _) = FrameBytes.decode(bytes),
        case .close = actions.last
    else { return false }
    return true
}

private let version = Version(milliseconds: 1_800_000_000_000, counter: 0, nodeID: 1)

@Test func wrongProofGetsAnErrorFrameAndClose() {
    var acceptor = Acceptor(secret: ReplicationSecret(bytes: [1]))
    let actions = acceptor.handshake(secret: ReplicationSecret(bytes: [2]))
    #expect(isRefusal(actions))
    #expect(acceptor.stream.state == .closed)
    // Nothing the dialer sends afterwards is applied.
    _ = acceptor.feed(FrameBytes.item(key: "k", value: "v", version: version))
    #expect(acceptor.get("k") == nil)
}

@Test func missingProofGetsAnErrorFrameAndClose() {
    var acceptor = Acceptor(secret: ReplicationSecret(bytes: [1]))
    #expect(isRefusal(acceptor.handshake(secret: nil)))
}

@Test func rightProofCompletesAuthenticated() {
    var acceptor = Acceptor(secret: ReplicationSecret(bytes: [1]))
    #expect(
        acceptor.handshake(secret: ReplicationSecret(bytes: [1])) == [
            .handshakeCompleted(peerName: "a", authenticated: true)
        ])
    #expect(acceptor.stream.state == .awaitingStreamStart)
}

@Test func recordsBeforeTheHandshakeAreRefused() {
    var acceptor = Acceptor()
    #expect(isRefusal(acceptor.feed(FrameBytes.item(key: "k", value: "v", version: version))))
    #expect(acceptor.get("k") == nil)
}

@Test func asyncAcksWaitForTheIntervalOrTheByteThreshold() {
    var acceptor = Acceptor()
    _ = acceptor.handshake()
    #expect(acks(acceptor.start(.full, at: 0)) == [0], "the accepting ack")
    #expect(acks(acceptor.feed(FrameBytes.encode { FrameEncoder.appendFullSyncDone(offset: 0, to: $0) })) == [0])
    let item = FrameBytes.item(key: "k", value: "v", version: version)
    #expect(acceptor.feed(item) == [.scheduleTimer(after: .milliseconds(10))])
    acceptor.now += .milliseconds(4)
    #expect(acceptor.feed(item).isEmpty, "a timer is already pending")
    #expect(acceptor.stream.timerFired(now: acceptor.now).count == 1, "rescheduled for the rest of the interval")
    acceptor.now += .milliseconds(6)
    #expect(acks(acceptor.stream.timerFired(now: acceptor.now)) == [UInt64(2 * item.count)])
    // Items of 100 KB, one batch of them just past the byte threshold: acked at once.
    let count = Int(acceptor.stream.configuration.ackBytes) / 100_000 + 1
    let batch = (0..<count).flatMap { index in
        FrameBytes.item(key: "big\(index)", value: String(repeating: "x", count: 100_000), version: version)
    }
    #expect(acks(acceptor.feed(batch)) == [UInt64(2 * item.count + batch.count)])
    #expect(acceptor.get("big0")?.count == 100_000)
}

@Test(arguments: [ReplicationMode.async, .sync])
func acceptorAcksTheStartingOffsetAtOnce(mode: ReplicationMode) {
    var full = Acceptor(mode: mode)
    _ = full.handshake()
    #expect(full.start(.full, at: 500).count == 1)
    full.now += .milliseconds(1)
    // Not an ack of walked records: no more until FULL_SYNC_DONE.
    #expect(acks(full.feed(FrameBytes.item(key: "walked", value: "1", version: version))).isEmpty)
    #expect(acks(full.feed(FrameBytes.encode { FrameEncoder.appendFullSyncDone(offset: 500, to: $0) })) == [500])

    let item = FrameBytes.item(key: "k", value: "v", version: version)
    _ = full.feed(item)
    var partial = Acceptor(mode: mode, applier: full.applier)
    _ = partial.handshake()
    let started = partial.start(.partial, at: 500 + UInt64(item.count))
    #expect(acks(started) == [500 + UInt64(item.count)])
    #expect(started.count == 1, "no timer: the ack does not wait for the batching interval")
    #expect(partial.stream.ackedOffset == 500 + UInt64(item.count))
}

@Test func refusedProofNeverGetsTheAcceptingAck() {
    var acceptor = Acceptor(secret: ReplicationSecret(bytes: [1]))
    let refused = acceptor.handshake(secret: nil) + acceptor.start(.full, at: 0)
    #expect(isRefusal(refused))
    #expect(acks(refused).isEmpty)
}

@Test func syncAcksEveryBatch() {
    var acceptor = Acceptor(mode: .sync)
    acceptor.startStreaming()
    let item = FrameBytes.item(key: "k", value: "v", version: version)
    #expect(acks(acceptor.feed(item)) == [UInt64(item.count)])
    #expect(acks(acceptor.feed(item + item)) == [UInt64(3 * item.count)])
}

@Test func fullResyncAppliesWalkRecordsWithoutAdvancingTheOffset() {
    var acceptor = Acceptor()
    _ = acceptor.handshake()
    #expect(!acceptor.applier.isFullResyncInProgress)
    _ = acceptor.start(.full, at: 500)
    #expect(acceptor.applier.isFullResyncInProgress)
    #expect(acks(acceptor.feed(FrameBytes.item(key: "walked", value: "1", version: version))).isEmpty)
    #expect(acceptor.get("walked") == "1")
    #expect(acceptor.applier.progress(forPeer: dialerIdentity.id) == .none)
    #expect(acks(acceptor.feed(FrameBytes.encode { FrameEncoder.appendFullSyncDone(offset: 500, to: $0) })) == [500])
    #expect(!acceptor.applier.isFullResyncInProgress)
    #expect(
        acceptor.applier.progress(forPeer: dialerIdentity.id)
            == PeerProgress(replicationID: dialerReplicationID, nextOffset: 500))
}

@Test func interruptedFullResyncStaysInProgressAcrossConnections() {
    var first = Acceptor()
    _ = first.handshake()
    _ = first.start(.full, at: 0)
    var second = Acceptor(applier: first.applier)
    _ = second.handshake()
    #expect(second.applier.isFullResyncInProgress)
}

@Test func welcomeStatesWhatWasAppliedAndPartialResumesThere() {
    var first = Acceptor()
    first.startStreaming()
    let item = FrameBytes.item(key: "k", value: "v", version: version)
    _ = first.feed(item)
    var second = Acceptor(applier: first.applier)
    let dialer = DialerHandshake(identity: dialerIdentity, secret: nil, nonce: Array(repeating: 1, count: 32))
    let answer = second.feed(
        FrameBytes.encode {
            FrameEncoder.appendHello(dialer.hello(replicationID: dialerReplicationID, nextOffset: 0), to: $0)
        })
    guard case .send(let bytes) = answer.first, case .frame(.welcome(let welcome), _) = FrameBytes.decode(bytes) else {
        Issue.record("no welcome")
        return
    }
    #expect(welcome.lastReplicationID == dialerReplicationID)
    #expect(welcome.nextOffset == UInt64(item.count))
    _ = second.feed(FrameBytes.encode { FrameEncoder.appendProof(mac: [], to: $0) })
    #expect(isRefusal(second.start(.partial, at: 0)), "partial from an offset the acceptor did not ask for")
}

@Test func brokenStreamForgetsProgressSoTheNextLinkWalks() {
    var acceptor = Acceptor()
    acceptor.startStreaming()
    #expect(acceptor.applier.progress(forPeer: dialerIdentity.id).replicationID == dialerReplicationID)
    var garbage = FrameBytes.item(key: "k", value: "v", version: version)
    garbage[1] = 0x7F
    #expect(isRefusal(acceptor.feed(garbage)))
    #expect(acceptor.applier.progress(forPeer: dialerIdentity.id) == .none)
}

@Test func recordsInAnyOrderAnyNumberOfTimesGiveTheSameContents() {
    var random = SeededGenerator(seed: 21)
    var records: [[UInt8]] = []
    for counter in UInt16(0)..<60 {
        let key = "k\(Int.random(in: 0..<8, using: &random))"
        let version = Version(
            milliseconds: 1_800_000_000_000, counter: counter, nodeID: UInt32.random(in: 1...2, using: &random))
        records.append(
            Bool.random(using: &random)
                ? FrameBytes.item(key: key, value: "\(counter)", version: version)
                : FrameBytes.tombstone(key: key, version: version))
    }
    func contents(applying frames: [[UInt8]]) -> [String: String] {
        var acceptor = Acceptor()
        _ = acceptor.handshake()
        _ = acceptor.start(.full, at: 0)
        _ = acceptor.feed(frames.flatMap { $0 })
        var contents: [String: String] = [:]
        for index in 0..<8 { contents["k\(index)"] = acceptor.get("k\(index)") }
        return contents
    }
    let inOrder = contents(applying: records)
    #expect(!inOrder.isEmpty)
    for _ in 0..<5 {
        let shuffled = (records + records.filter { _ in Bool.random(using: &random) }).shuffled(using: &random)
        #expect(contents(applying: shuffled) == inOrder)
    }
}

@Test func helloIsRecognizedFromItsFirstTwoBytes() {
    let hello = FrameBytes.encode {
        FrameEncoder.appendHello(
            DialerHandshake(identity: dialerIdentity, secret: nil, nonce: Array(repeating: 0, count: 32)).hello(
                replicationID: 1, nextOffset: 0), to: $0)
    }
    #expect(hello.withUnsafeBytes { IncomingStream.startsWithHello($0) })
    #expect(!Array(hello.prefix(1)).withUnsafeBytes { IncomingStream.startsWithHello($0) })
    #expect(!Array("get k\r\n".utf8).withUnsafeBytes { IncomingStream.startsWithHello($0) })
    #expect(
        !FrameBytes.item(key: "k", value: "v", version: version).withUnsafeBytes { IncomingStream.startsWithHello($0) })
}

@Test func fetchIsAnsweredFromTheStoreOutsideTheStream() {
    var acceptor = Acceptor()
    _ = acceptor.handshake()
    _ = acceptor.start(.full, at: 0)
    _ = acceptor.feed(
        FrameBytes.item(key: "sid-n1", value: "state", version: version, flags: 4, expiresAt: 1_800_003_600))
    let fetch = { (key: String, id: UInt64) in
        FrameBytes.encode { buffer in
            Array(key.utf8).withUnsafeBytes { FrameEncoder.appendFetch(requestID: id, key: $0, to: buffer) }
        }
    }
    let offsetBefore = acceptor.applier.progress(forPeer: dialerIdentity.id).nextOffset
    guard case .send(let hit) = acceptor.feed(fetch("sid-n1", 5)).first,
        case .frame(.fetched(5, let item?), _) = FrameBytes.decode(hit)
    else {
        Issue.record("no fetched item")
        return
    }
    #expect(item.flags == 4 && item.expiresAt == 1_800_003_600 && item.version == version)
    #expect(Array(hit[item.value]) == Array("state".utf8))
    guard case .send(let miss) = acceptor.feed(fetch("absent", 6)).first else {
        Issue.record("no answer to a miss")
        return
    }
    #expect(FrameBytes.decode(miss) == .frame(.fetched(requestID: 6, item: nil), consumed: miss.count))
    #expect(acceptor.applier.progress(forPeer: dialerIdentity.id).nextOffset == offsetBefore)
}

@Test func fetchBeforeTheStreamStartsIsRefused() {
    var acceptor = Acceptor()
    _ = acceptor.handshake()
    let actions = acceptor.feed(
        FrameBytes.encode { buffer in
            Array("k".utf8).withUnsafeBytes { FrameEncoder.appendFetch(requestID: 1, key: $0, to: buffer) }
        })
    #expect(actions.last == .close(reason: "unexpected fetch frame"))
}

@Test func warmingEndsWithTheFirstResyncOrWhenGivenUp() {
    let cache = Cache(configuration: CacheConfiguration(shardCount: 2), clock: ManualClock(now: 1_800_000_000))
    var acceptor = Acceptor(applier: ReplicaApplier(cache: cache, awaitingInitialSync: true))
    #expect(acceptor.applier.isWarming)
    _ = acceptor.handshake()
    _ = acceptor.start(.full, at: 0)
    #expect(acceptor.applier.isWarming)
    _ = acceptor.feed(FrameBytes.encode { FrameEncoder.appendFullSyncDone(offset: 0, to: $0) })
    #expect(!acceptor.applier.isWarming)
    let lone = ReplicaApplier(cache: cache, awaitingInitialSync: true)
    lone.finishWarming()
    #expect(!lone.isWarming && !lone.isFullResyncInProgress)
}

private func visible(_ actions: [IncomingAction]) -> [(count: Int, writtenAt: UInt64)] {
    actions.compactMap { action in
        guard case .recordsVisible(let count, let writtenAt) = action else { return nil }
        return (count, writtenAt)
    }
}

private func writeTime(_ nanoseconds: UInt64) -> [UInt8] {
    FrameBytes.encode { FrameEncoder.appendWriteTime(unixNanoseconds: nanoseconds, to: $0) }
}

@Test func recordsAfterAWriteTimeAreReportedVisibleOncePerRead() {
    var acceptor = Acceptor()
    acceptor.startStreaming()
    let item = FrameBytes.item(key: "k", value: "v", version: version)
    let reports = visible(acceptor.feed(writeTime(1_000) + item + item + item))
    #expect(reports.map(\.count) == [3])
    #expect(reports.map(\.writtenAt) == [1_000])
    #expect(acceptor.get("k") == "v")
}

@Test func writeTimeFramesArePartOfTheOffsetStream() {
    var acceptor = Acceptor(mode: .sync)
    acceptor.startStreaming()
    let item = FrameBytes.item(key: "k", value: "v", version: version)
    let stamp = writeTime(5)
    #expect(acks(acceptor.feed(stamp + item)) == [UInt64(stamp.count + item.count)])
}

@Test func aBatchSplitAcrossReadsIsReportedInEachUnderItsWriteTime() {
    var acceptor = Acceptor()
    acceptor.startStreaming()
    let item = FrameBytes.item(key: "k", value: "v", version: version)
    let bytes = writeTime(7) + item + item + item
    let firstRead = 32 + item.count + 5
    let (consumed, first) = bytes.withUnsafeBytes {
        acceptor.stream.consume(UnsafeRawBufferPointer(rebasing: $0[..<firstRead]), now: acceptor.now)
    }
    #expect(consumed == firstRead - 5)
    let second = Array(bytes[consumed...]).withUnsafeBytes { acceptor.stream.consume($0, now: acceptor.now) }
    #expect(second.consumed == bytes.count - consumed)
    #expect(visible(first).map(\.count) == [1] && visible(first).map(\.writtenAt) == [7])
    #expect(visible(second.actions).map(\.count) == [2] && visible(second.actions).map(\.writtenAt) == [7])
}

@Test func aNewWriteTimeClosesTheRecordsOfTheOneBefore() {
    var acceptor = Acceptor()
    acceptor.startStreaming()
    let item = FrameBytes.item(key: "k", value: "v", version: version)
    let reports = visible(acceptor.feed(writeTime(1) + item + item + writeTime(2) + item + writeTime(3)))
    #expect(reports.map(\.count) == [2, 1])
    #expect(reports.map(\.writtenAt) == [1, 2])
}

@Test func recordsWithoutAWriteTimeAreNotReported() {
    var acceptor = Acceptor()
    acceptor.startStreaming()
    let item = FrameBytes.item(key: "k", value: "v", version: version)
    #expect(visible(acceptor.feed(item + item)).isEmpty)
    #expect(acceptor.get("k") == "v")
}

@Test func walkRecordsOfAFullResyncAreNotReported() {
    var acceptor = Acceptor()
    _ = acceptor.handshake()
    _ = acceptor.start(.full, at: 0)
    let item = FrameBytes.item(key: "k", value: "v", version: version)
    #expect(visible(acceptor.feed(item)).isEmpty)
    let done = FrameBytes.encode { FrameEncoder.appendFullSyncDone(offset: 0, to: $0) }
    #expect(visible(acceptor.feed(done + writeTime(9) + item)).map(\.count) == [1])
}

@Test func aWriteTimeDuringTheWalkIsRefused() {
    var acceptor = Acceptor()
    _ = acceptor.handshake()
    _ = acceptor.start(.full, at: 0)
    // Backlog frames follow the walk's end; one before it means the dialer lost its place.
    #expect(isRefusal(acceptor.feed(writeTime(9))))
}
