import Replication
import Storage
import Testing

/// Scenario tests: two caches, two links, faults; after healing, both hold the same states.
private func expectConverged(_ simulation: PairSimulation, _ comment: Comment? = nil) {
    #expect(simulation.settle(), "never settled \(comment?.rawValue ?? "")")
    let a = simulation.a.contents()
    let b = simulation.b.contents()
    #expect(a == b, comment)
}

@Test func writesOnBothSidesReachTheOther() {
    let simulation = PairSimulation(seed: 1)
    #expect(simulation.settle())
    for index in 0..<50 {
        simulation.a.set("a\(index)", "from a \(index)")
        simulation.wrote(on: simulation.a)
        simulation.b.set("b\(index)", "from b \(index)")
        simulation.wrote(on: simulation.b)
        simulation.step()
    }
    simulation.a.delete("b3")
    simulation.wrote(on: simulation.a)
    expectConverged(simulation)
    #expect(simulation.b.get("a7") == "from a 7")
    #expect(simulation.a.get("b9") == "from b 9")
    #expect(simulation.b.get("b3") == nil)
    #expect(simulation.a.contents().count == 100)
    // Every streamed write was reported visible under a WRITE TIME, in both directions.
    #expect(simulation.aToB.visibleRecords == 51)
    #expect(simulation.bToA.visibleRecords == 50)
}

@Test func firstContactIsAFullResyncEachWay() {
    let simulation = PairSimulation(seed: 2)
    simulation.a.set("before", "the link")
    #expect(simulation.settle())
    #expect(simulation.b.get("before") == "the link")
    #expect(simulation.a.outgoing.fullResyncs == 1)
    #expect(simulation.b.outgoing.fullResyncs == 1)
    #expect(simulation.a.outgoing.partialResyncs == 0)
}

@Test func shortPartitionWithinTheBacklogResumesPartially() {
    let simulation = PairSimulation(seed: 3)
    #expect(simulation.settle())
    simulation.a.set("k", "1")
    simulation.wrote(on: simulation.a)
    #expect(simulation.settle())
    simulation.partition()
    for index in 0..<40 {
        simulation.a.set("during\(index)", "a")
        simulation.b.set("during\(index)", "b")
        simulation.step()
    }
    simulation.run(milliseconds: 300)
    simulation.heal()
    expectConverged(simulation)
    for node in [simulation.a, simulation.b] {
        #expect(node.outgoing.fullResyncs == 1, "only first contact walks the store")
        #expect(node.outgoing.partialResyncs >= 1)
        #expect(node.outgoing.reconnects >= 1)
    }
}

@Test func backlogOverrunDuringAPartitionFallsBackToAFullResync() {
    let simulation = PairSimulation(seed: 4, backlogCapacity: 4096)
    #expect(simulation.settle())
    simulation.partition()
    for index in 0..<200 {
        simulation.a.set("key\(index)", String(repeating: "x", count: 40))
    }
    simulation.b.set("only on b", "y")
    simulation.run(milliseconds: 50)
    simulation.heal()
    expectConverged(simulation)
    #expect(simulation.a.outgoing.fullResyncs == 2, "a's backlog moved past what b had")
    #expect(simulation.b.outgoing.fullResyncs == 1, "b's few writes were still in its backlog")
    #expect(simulation.b.outgoing.partialResyncs == 1)
    #expect(simulation.b.contents().count == 201)
}

@Test(arguments: ["a", "b"])
func restartedNodeIsRefilledAndRefillsItsPeer(restarted name: String) {
    let simulation = PairSimulation(seed: 5)
    for index in 0..<30 {
        simulation.a.set("a\(index)", "\(index)")
        simulation.b.set("b\(index)", "\(index)")
    }
    expectConverged(simulation)
    let node = name == "a" ? simulation.a : simulation.b
    let peer = name == "a" ? simulation.b : simulation.a
    let peerFullResyncs = peer.outgoing.fullResyncs
    simulation.restart(node)
    #expect(node.contents().isEmpty)
    // Written by the new process before its peer refilled it: must survive the refill.
    node.set("fresh", "after restart")
    expectConverged(simulation)
    #expect(node.contents().count == 61)
    #expect(peer.get("fresh") == "after restart")
    #expect(node.outgoing.fullResyncs == 1, "a new process starts with a new replication id")
    #expect(peer.outgoing.fullResyncs == peerFullResyncs + 1, "the restarted node has no progress to resume")
}

@Test func restartedNodeReportsItsRefillUntilTheWalkIsDone() {
    let simulation = PairSimulation(seed: 6)
    for index in 0..<300 { simulation.a.set("k\(index)", "v") }
    #expect(simulation.settle())
    simulation.restart(simulation.b)
    var sawRefill = false
    for _ in 0..<2000 where !simulation.isSettled {
        simulation.step()
        sawRefill = sawRefill || simulation.b.applier.isFullResyncInProgress
    }
    #expect(sawRefill)
    #expect(!simulation.b.applier.isFullResyncInProgress)
    #expect(simulation.b.contents().count == 300)
}

@Test func concurrentWritesToOneKeyConvergeToTheHigherVersion() {
    let simulation = PairSimulation(seed: 7)
    #expect(simulation.settle())
    simulation.partition()
    let fromA = simulation.a.set("contested", "a wrote")!
    let fromB = simulation.b.set("contested", "b wrote")!
    simulation.run(milliseconds: 20)
    simulation.heal()
    expectConverged(simulation)
    let winner = fromA > fromB ? "a wrote" : "b wrote"
    #expect(simulation.a.get("contested") == winner)
    #expect(simulation.b.get("contested") == winner)
}

@Test func deleteAgainstAnOlderSetWinsOnBothSides() {
    let simulation = PairSimulation(seed: 8)
    simulation.a.set("k", "old")
    #expect(simulation.settle())
    simulation.partition()
    simulation.a.set("k", "newer on a")
    simulation.run(milliseconds: 5)
    simulation.b.delete("k")  // b's clock is ahead: its tombstone has the higher version
    simulation.heal()
    expectConverged(simulation)
    #expect(simulation.a.get("k") == nil)
}

@Test func flushAllReplicatesAndHidesOlderItems() {
    let simulation = PairSimulation(seed: 9)
    for index in 0..<10 { simulation.b.set("k\(index)", "v") }
    #expect(simulation.settle())
    simulation.a.flushAll()
    simulation.wrote(on: simulation.a)
    simulation.run(milliseconds: 5)
    simulation.a.set("after", "flush")
    simulation.wrote(on: simulation.a)
    expectConverged(simulation)
    #expect(simulation.b.get("k3") == nil)
    #expect(simulation.b.get("after") == "flush")
}

@Test func randomFaultsStillConverge() {
    for seed in UInt64(10)..<16 {
        var random = SeededGenerator(seed: seed)
        let simulation = PairSimulation(seed: seed, backlogCapacity: 8192)
        for round in 0..<300 {
            let node = Bool.random(using: &random) ? simulation.a : simulation.b
            let key = "k\(Int.random(in: 0..<40, using: &random))"
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<70: node.set(key, "\(node.identity.name)\(round)")
            case 70..<90: node.delete(key)
            case 90..<93: simulation.partition()
            case 93..<97: simulation.heal()
            case 97: simulation.restart(node)
            default: simulation.link(dialedBy: node).reset(reason: "dropped in flight", now: simulation.now)
            }
            simulation.wrote(on: node)
            simulation.run(milliseconds: Int.random(in: 0..<20, using: &random))
        }
        simulation.heal()
        expectConverged(simulation, "seed \(seed)")
    }
}

@Test func syncModeAcksEveryBatch() {
    let simulation = PairSimulation(seed: 11, mode: .sync)
    #expect(simulation.settle())
    simulation.a.set("k", "v")
    simulation.wrote(on: simulation.a)
    let target = simulation.a.backlog.endOffset
    var steps = 0
    while simulation.a.outgoing.ackedOffset < target, steps < 20 {
        simulation.step()
        steps += 1
    }
    #expect(simulation.a.outgoing.ackedOffset == target)
    #expect(steps <= 3, "sync acks do not wait for the batching interval")
}

@Test func sameSecretConnectsAuthenticatedAndWrongSecretNeverStreams() {
    let secret = ReplicationSecret(bytes: Array("s3cret".utf8))
    let good = PairSimulation(seed: 12, secrets: (secret, secret))
    good.a.set("k", "v")
    expectConverged(good)
    #expect(good.aToB.unauthenticatedHandshakes == 0)

    let bad = PairSimulation(seed: 13, secrets: (secret, ReplicationSecret(bytes: Array("other".utf8))))
    bad.a.set("k", "v")
    bad.run(milliseconds: 2000)
    #expect(bad.b.get("k") == nil)
    #expect(bad.a.outgoing.fullResyncs == 0)
    #expect(bad.a.outgoing.reconnects > 2)
    #expect(bad.a.outgoing.lastError?.contains("proof") == true)
}

@Test(arguments: ["dialer has no secret", "wrong secret"])
func refusedLinkNeverShowsStreamingNorCountsResyncs(case name: String) {
    let secret = ReplicationSecret(bytes: Array("s3cret".utf8))
    let secrets = name == "wrong secret" ? (secret, ReplicationSecret(bytes: Array("other".utf8))) : (nil, secret)
    let simulation = PairSimulation(seed: 16, secrets: secrets)
    simulation.a.set("k", "v")
    for _ in 0..<3000 {
        simulation.step()
        for node in [simulation.a, simulation.b] {
            let status = node.outgoing.status(backlog: node.backlog.window, now: simulation.now)
            #expect(status.state != "streaming" && status.state != "full_sync")
            #expect(status.fullResyncs == 0 && status.partialResyncs == 0)
        }
    }
    #expect(simulation.b.get("k") == nil)
    #expect(simulation.a.outgoing.reconnects > 2)
}

@Test func noSecretOnEitherSideStreamsWithAWarning() {
    let simulation = PairSimulation(seed: 14)
    #expect(simulation.settle())
    #expect(simulation.aToB.unauthenticatedHandshakes == 2, "dialer and acceptor each flag it")
}

@Test func statusShowsBothDirections() {
    let simulation = PairSimulation(seed: 15)
    simulation.a.set("k", "v")
    simulation.b.set("j", "w")
    #expect(simulation.settle())
    var status = simulation.a.outgoing.status(backlog: simulation.a.backlog.window, now: simulation.now)
    status.addIncoming(from: simulation.a.applier)
    #expect(status.state == "streaming")
    #expect(status.peer == "b")
    #expect(status.peerNodeID == 2)
    #expect(status.replicationID == simulation.a.configuration.replicationID)
    #expect(status.peerReplicationID == simulation.b.configuration.replicationID)
    #expect(status.offset == simulation.a.backlog.endOffset)
    #expect(status.ackedOffset == status.offset)
    #expect(status.appliedOffset == simulation.b.backlog.endOffset)
    #expect(status.lagBytes == 0)
    #expect(status.fullResyncs == 1)
    #expect(!status.resyncInProgress)
}
