import Replication
import Storage
import Testing

/// Two nodes replicating to each other over two in-memory links, on a simulated clock.
final class PairSimulation {
    let a: ReplicaNode
    let b: ReplicaNode
    /// a dials b (carries a's writes), b dials a.
    let aToB: InMemoryLink
    let bToA: InMemoryLink
    private(set) var now = ContinuousClock.now
    private var random: SeededGenerator

    init(
        seed: UInt64 = 1, backlogCapacity: Int = 1 << 20,
        secrets: (ReplicationSecret?, ReplicationSecret?) = (nil, nil),
        mode: ReplicationMode = .async
    ) {
        random = SeededGenerator(seed: seed)
        // Each node its own wall clock, b's a little ahead, as real clocks are.
        a = ReplicaNode(
            name: "a", id: 1, clock: ManualClock(now: 1_800_000_000), seed: random.next(),
            backlogCapacity: backlogCapacity, secret: secrets.0, mode: mode)
        b = ReplicaNode(
            name: "b", id: 2, clock: ManualClock(now: 1_800_000_003), seed: random.next(),
            backlogCapacity: backlogCapacity, secret: secrets.1, mode: mode)
        aToB = InMemoryLink(dialer: a, acceptor: b)
        bToA = InMemoryLink(dialer: b, acceptor: a)
        aToB.dialerHandles(.start, now: now)
        bToA.dialerHandles(.start, now: now)
    }

    var links: [InMemoryLink] { [aToB, bToA] }

    /// Local writes are in the backlog: tell the node's outgoing stream.
    func wrote(on node: ReplicaNode) {
        link(dialedBy: node).dialerHandles(.backlogAppended, now: now)
    }

    func link(dialedBy node: ReplicaNode) -> InMemoryLink {
        node === a ? aToB : bToA
    }

    /// Advances simulated time by one millisecond and lets both links move bytes.
    func step() {
        now += .milliseconds(1)
        a.clock.advance(milliseconds: 1)
        b.clock.advance(milliseconds: 1)
        for link in links {
            link.step(now: now, chunk: Int.random(in: 1...3000, using: &random))
        }
    }

    func run(milliseconds: Int) {
        for _ in 0..<milliseconds { step() }
    }

    func partition() {
        for link in links {
            link.isPartitioned = true
            link.reset(reason: "partition", now: now)
        }
    }

    func heal() {
        for link in links { link.isPartitioned = false }
    }

    /// Restarts `node` as a new process: empty, new replication id, dialing again.
    func restart(_ node: ReplicaNode) {
        let outgoing = link(dialedBy: node)
        let incoming = link(dialedBy: node === a ? b : a)
        outgoing.dialerRestarted()
        node.restart()
        incoming.acceptorRestarted(now: now)
        outgoing.dialerHandles(.start, now: now)
    }

    /// Whether both streams are up, drained and acked.
    var isSettled: Bool {
        links.allSatisfy { link in
            link.isOpen && link.isIdle && link.dialer.outgoing.state == .streaming
                && link.dialer.outgoing.ackedOffset == link.dialer.backlog.endOffset
        } && !a.applier.isFullResyncInProgress && !b.applier.isFullResyncInProgress
    }

    /// Runs until settled, within a bound (simulated milliseconds); false if it never settled.
    @discardableResult
    func settle(within limit: Int = 60_000) -> Bool {
        for _ in 0..<limit {
            if isSettled { return true }
            step()
        }
        return isSettled
    }
}
