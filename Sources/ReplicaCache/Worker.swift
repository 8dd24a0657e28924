import Atomics
import CEventShim
import Glibc
import Protocol
import Storage

/// One worker thread: its own `event_base`, the connections handed to it, and its counters.
final class Worker: @unchecked Sendable {
    let index: Int
    let base: OpaquePointer
    let server: ServerState
    let statistics = WorkerStatistics()
    let parser: TextParser
    let binaryParser: BinaryParser
    private(set) var executor: CommandExecutor
    /// The states this worker's writes left, encoded for the peer, until the batch is published.
    let records: RecordBatch?
    let link: ReplicationLink?
    /// The link's flag, read on every request (see `ReplicationLink.readThroughActive`).
    let readThroughActive: UnsafeAtomic<Bool>?
    /// Sync-mode connections holding replies until the peer acks their writes.
    private var acknowledgementWaiters: [ObjectIdentifier: ClientConnection] = [:]
    /// Connections whose request waits for a read-through, by ticket.
    private var readThroughWaiters: [UInt64: ClientConnection] = [:]
    private var nextReadThroughTicket: UInt64 = 1
    /// Tickets the link thread finished, waiting for this thread.
    private let completedReadThroughs = Locked<[UInt64]>([])

    /// Sockets accepted by the listener thread, waiting to be adopted; `stopRequest` asks the worker
    /// to stop, `acknowledgementNotice` to look at its sync-mode waiters again.
    private let inbox = Locked<[Int32]>([])
    private let wakeSignal: WakeSignal
    private var wakeContext: UnsafeMutableRawPointer?
    /// Once a second with `-o idle_timeout`: closes the connections idle for longer.
    private var idleCheck: OpaquePointer?
    /// Touched only on this worker's thread.
    private var connections: [Int32: ClientConnection] = [:]
    /// SIGTERM: every connection closes at its next request boundary; no new one stays open.
    private(set) var draining = false
    /// Set once draining and every connection is closed; read by the main thread.
    let drained = ManagedAtomic<Bool>(false)
    /// Whether an acknowledgement notice is in the inbox, not yet taken.
    private let acknowledgementNoticePending = ManagedAtomic<Bool>(false)
    /// Descriptions of this worker's connections for `stats conns`, read by any worker.
    let connectionDirectory = Locked<[Int32: ConnectionSummary]>([:])

    init(index: Int, server: ServerState, link: ReplicationLink?) throws(ServerError) {
        self.index = index
        self.server = server
        self.link = link
        readThroughActive = link?.readThroughActive
        let records = link.map { _ in RecordBatch() }
        self.records = records
        var parser = TextParser(maxItemSize: server.settings.itemSizeMax)
        parser.shutdownEnabled = server.settings.shutdownEnabled
        self.parser = parser
        var binaryParser = BinaryParser(maxItemSize: server.settings.itemSizeMax)
        binaryParser.saslEnabled = server.settings.saslEnabled
        self.binaryParser = binaryParser
        self.executor = CommandExecutor(
            cache: server.cache, server: server, statistics: statistics, maxKeyLength: parser.maxKeyLength,
            records: records)
        guard let config = event_config_new() else { throw .eventLoop("event_config_new failed") }
        defer { event_config_free(config) }
        // Nobody but this thread touches the base, so libevent's own locking is not needed.
        event_config_set_flag(config, Int32(EVENT_BASE_FLAG_NOLOCK.rawValue))
        guard let base = event_base_new_with_config(config) else { throw .eventLoop("event_base_new failed") }
        self.base = base
        wakeSignal = try WakeSignal(base: base)
    }

    /// Starts the thread; returns its handle for joining.
    func start() -> pthread_t {
        wakeContext = CallbackContext.retain(self)
        wakeSignal.arm(onWake, context: wakeContext, persistent: true)
        if server.settings.idleTimeout > 0 {
            idleCheck = event_new(base, -1, Int16(EV_PERSIST), onIdleCheck, wakeContext)
            var second = timeval(tv_sec: 1, tv_usec: 0)
            event_add(idleCheck, &second)
        }
        var thread = pthread_t()
        let context = CallbackContext.retain(self)
        let created = pthread_create(&thread, nil, runWorker, context)
        precondition(created == 0, "pthread_create failed")
        return thread
    }

    fileprivate func run() {
        event_base_dispatch(base)
        if let idleCheck { event_free(idleCheck) }
        wakeSignal.disarm()
        CallbackContext<Worker>.release(wakeContext)
    }

    static let stopRequest: Int32 = -1
    static let acknowledgementNotice: Int32 = -2
    static let drainRequest: Int32 = -3

    /// Called from the link thread when the peer's acks moved or the link changed state. One notice
    /// at a time: acks that arrive before the worker took it are covered by it.
    func acknowledgementsChanged() {
        // Acquire-release on both sides: a notice found pending is taken after this ack's offset was stored.
        guard !acknowledgementNoticePending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        inbox.withLock { $0.append(Self.acknowledgementNotice) }
        wake()
    }

    /// Hands this batch's records to the backlog, before any of its replies are written;
    /// returns the stream offset that covers them and how many there were, or nil when the
    /// batch wrote nothing.
    func publishRecords() -> (offset: UInt64, count: Int)? {
        guard let records, !records.isEmpty, let link else { return nil }
        let count = records.count
        let offset = link.publish(records.frames, count: count)
        records.removeAll()
        return (offset, count)
    }

    func waitForAcknowledgement(_ connection: ClientConnection) {
        acknowledgementWaiters[ObjectIdentifier(connection)] = connection
    }

    func stopWaiting(_ connection: ClientConnection) {
        acknowledgementWaiters[ObjectIdentifier(connection)] = nil
    }

    private func releaseAcknowledgedWaiters() {
        guard let link else { return }
        let acked = link.ackedOffset.load(ordering: .relaxed)
        let streaming = link.streaming.load(ordering: .relaxed)
        for connection in Array(acknowledgementWaiters.values) {
            connection.acknowledgementChanged(ackedOffset: acked, linkStreaming: streaming)
        }
    }

    /// Asks the peer for `keys` on behalf of `connection`; returns the ticket `readThroughFinished` will name.
    func requestReadThrough(_ keys: [[UInt8]], for connection: ClientConnection) -> UInt64? {
        guard let link else { return nil }
        let ticket = nextReadThroughTicket
        nextReadThroughTicket += 1
        readThroughWaiters[ticket] = connection
        link.readThrough(ReadThroughRequest(worker: self, ticket: ticket, keys: keys))
        return ticket
    }

    /// The connection stopped waiting (timeout or close): a late answer for `ticket` is dropped.
    func forgetReadThrough(_ ticket: UInt64) {
        readThroughWaiters[ticket] = nil
    }

    /// Called from the link thread: the peer answered every key of `ticket`, or cannot.
    func readThroughCompleted(ticket: UInt64) {
        completedReadThroughs.withLock { $0.append(ticket) }
        wake()
    }

    /// Called from the listener thread.
    func adopt(_ fd: Int32) {
        inbox.withLock { $0.append(fd) }
        wake()
    }

    /// Called from the main thread on SIGTERM: answer what each client sent, close it at a request
    /// boundary, then report `drained`.
    func drain() {
        inbox.withLock { $0.append(Self.drainRequest) }
        wake()
    }

    /// Called from the main thread: finish what is being written, close every connection, end the loop.
    func stop() {
        inbox.withLock { $0.append(Self.stopRequest) }
        wake()
    }

    private func wake() {
        wakeSignal.fire()
    }

    fileprivate func drainInbox() {
        wakeSignal.drain()
        let finished = completedReadThroughs.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        for ticket in finished {
            readThroughWaiters.removeValue(forKey: ticket)?.readThroughFinished(timedOut: false)
        }
        let arrived = inbox.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        for fd in arrived {
            if fd == Self.acknowledgementNotice {
                _ = acknowledgementNoticePending.exchange(false, ordering: .acquiringAndReleasing)
                releaseAcknowledgedWaiters()
                continue
            }
            if fd == Self.stopRequest {
                shutDown()
                return
            }
            if fd == Self.drainRequest {
                draining = true
                for connection in Array(connections.values) { connection.drain() }
                noteDrained()
                continue
            }
            let connection = ClientConnection(fd: fd, worker: self)
            connections[fd] = connection
            let address = Socket.peerDescription(fd)
            connectionDirectory.withLock {
                $0[fd] = ConnectionSummary(address: address, lastCommand: connection.lastCommand)
            }
            server.logger.debug(
                "connection opened", metadata: ["fd": "\(fd)", "peer": "\(address)", "worker": "\(index)"])
            connection.start()
            if draining { connection.drain() }
        }
    }

    private func noteDrained() {
        if draining && connections.isEmpty { drained.store(true, ordering: .releasing) }
    }

    fileprivate func closeIdleConnections() {
        let activeSince = server.clock.now() - Int64(server.settings.idleTimeout)
        for connection in Array(connections.values) where connection.isIdle(since: activeSince) {
            statistics.add(.idleKicks)
            connection.close()
        }
    }

    /// The connection closed, or its socket now belongs to the replication link.
    func connectionClosed(_ connection: ClientConnection) {
        acknowledgementWaiters[ObjectIdentifier(connection)] = nil
        connections[connection.fd] = nil
        connectionDirectory.withLock { $0[connection.fd] = nil }
        server.currentConnections.wrappingDecrement(ordering: .relaxed)
        noteDrained()
    }

    private func shutDown() {
        for connection in Array(connections.values) {
            connection.finishAndClose()
        }
        event_base_loopexit(base, nil)
    }
}

private let runWorker: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { context in
    CallbackContext<Worker>.object(from: context).run()
    CallbackContext<Worker>.release(context)
    return nil
}

private let onIdleCheck: event_callback_fn = { _, _, context in
    CallbackContext<Worker>.object(from: context).closeIdleConnections()
}

private let onWake: event_callback_fn = { _, _, context in
    CallbackContext<Worker>.object(from: context).drainInbox()
}
