import Atomics
import CEventShim
import Glibc
import Protocol
import Replication

/// One client socket on one worker: reads what arrived, runs every complete request in it,
/// and writes all their replies with one `write`.
final class ClientConnection {
    /// Replies pending past this size stop parsing until the client reads them, which
    /// bounds the memory a client that never reads can take.
    static let outputHighWater = 4 << 20
    /// The first byte of a binary-protocol request, which a replication HELLO is.
    static let requestMagic: UInt8 = 0x80
    /// Read buffers larger than this are given back once they are empty again.
    static let retainedBufferSize = 64 << 10

    let fd: Int32
    /// Unowned(unsafe): read on every request, and a connection only runs on its worker's thread,
    /// which outlives it.
    unowned(unsafe) let worker: Worker
    /// The socket, and its TLS session under `-Z`.
    private let transport: Transport
    let lastCommand: ManagedAtomic<Int64>
    private let input = ByteBuffer(capacity: 2048)
    private let output = ByteBuffer(capacity: 2048)
    private var readEvent: OpaquePointer?
    private var writeEvent: OpaquePointer?
    private var context: UnsafeMutableRawPointer?
    /// Bytes of a rejected data block still to be discarded as they arrive.
    private var swallowRemaining = 0
    private var closeAfterWrite = false
    private var waitingToWrite = false
    private var closed = false
    /// Nothing parsed yet: the connection may still turn out to be the peer's replication link.
    private var fresh = true
    /// Decided by the first byte, as memcached does: binary for the request magic, else text.
    private var wireProtocol: WireProtocol?
    private var session = ClientSession()
    /// Sync mode: replies are held until the peer acks this stream offset.
    private var awaitedOffset: UInt64 = 0
    private var awaitedRecords = 0
    private var waitingForAcknowledgement = false
    private var acknowledgementTimer: OpaquePointer?
    /// SIGTERM: close at the next request boundary.
    private var draining = false
    /// When pending replies last moved into the socket (seconds): a client that stops reading
    /// them is idle from then on.
    private var lastWriteProgress: Int64 = 0
    /// Warm-up read-through: the request at the front of the input lacked keys locally and waits for the peer's
    /// answer under this ticket; nothing after it is parsed meanwhile, so pipelined replies keep their order.
    private var readThroughTicket: UInt64?
    /// Keys the request being parsed asked for, until the wait begins.
    private var readThroughKeys: [[UInt8]]?
    /// The request at the front of the input was read through already: run it as it is now.
    private var readThroughDone = false
    private var readThroughTimer: OpaquePointer?

    init(fd: Int32, worker: Worker) {
        self.fd = fd
        self.worker = worker
        self.transport = Transport(fd: fd, tls: worker.server.tls?.acceptSession(fd: fd))
        self.lastCommand = ManagedAtomic(worker.server.clock.now())
    }

    func start() {
        context = CallbackContext.retain(self)
        readEvent = event_new(worker.base, fd, Int16(EV_READ | EV_PERSIST), onReadable, context)
        writeEvent = event_new(worker.base, fd, Int16(EV_WRITE | EV_PERSIST), onWritable, context)
        if worker.link?.settings.mode == .sync {
            acknowledgementTimer = evtimer_new_shim(worker.base, onAcknowledgementTimeout, context)
        }
        if worker.link != nil {
            readThroughTimer = evtimer_new_shim(worker.base, onReadThroughTimeout, context)
        }
        event_add(readEvent, nil)
        if worker.server.tls != nil, transport.tls == nil {
            worker.server.logger.warning("cannot start TLS on a connection", metadata: ["fd": "\(fd)"])
            close()
        }
    }

    /// The socket has bytes: read them, unless replies are held for the peer's ack.
    fileprivate func readyToRead() {
        if waitingForAcknowledgement {
            event_del(readEvent)
            return
        }
        readable()
    }

    private func readable() {
        let received = transport.receive(into: input, minimum: 16 * 1024)
        if received > 0 {
            worker.statistics.add(.bytesRead, UInt64(received))
            lastCommand.store(worker.server.clock.now(), ordering: .relaxed)
            if fresh, handOffReplication() { return }
            processInput()
            completeBatch()
        } else if received == 0 || (errno != EAGAIN && errno != EINTR) {
            close()
        }
    }

    /// What `-o idle_timeout` closes: no request since `time` (seconds) and nothing in progress, or
    /// replies that have not moved into the socket since `time` (a client that stopped reading them;
    /// memcached would keep it forever). A reply held for the peer's ack is not idle.
    func isIdle(since time: Int64) -> Bool {
        if waitingForAcknowledgement || readThroughTicket != nil { return false }
        if waitingToWrite { return lastWriteProgress < time }
        return lastCommand.load(ordering: .relaxed) < time
    }

    fileprivate func writable() {
        flush()
        if !waitingToWrite, !closed, !input.isEmpty {
            // Parsing stopped at the high-water mark; continue with what is buffered.
            processInput()
            completeBatch()
        }
    }

    /// A replication HELLO as the first bytes makes this the peer's link: the socket and what was
    /// read move to the replication thread. Returns whether that happened.
    private func handOffReplication() -> Bool {
        let bytes = input.bytes
        guard let link = worker.link, bytes[0] == Self.requestMagic else {
            fresh = false
            return false
        }
        // One byte cannot tell a HELLO from any other binary request yet.
        guard bytes.count >= 2 else { return true }
        guard IncomingStream.startsWithHello(bytes) else {
            fresh = false
            return false
        }
        detach {
            link.adoptIncoming(fd: fd, buffered: bytes, tls: transport.tls)
        }
        return true
    }

    /// After a batch: its writes enter the backlog before any reply goes out; in sync mode the
    /// replies wait for the peer's ack of them, bounded by `--repl-sync-timeout`.
    private func completeBatch() {
        fresh = false
        guard let (offset, count) = worker.publishRecords(), let link = worker.link, link.settings.mode == .sync
        else {
            flush()
            return
        }
        guard link.streaming.load(ordering: .relaxed) else {
            link.degradedWrites.wrappingIncrement(by: UInt64(count), ordering: .relaxed)
            flush()
            return
        }
        guard link.ackedOffset.load(ordering: .relaxed) < offset else {
            flush()
            return
        }
        awaitedOffset = offset
        awaitedRecords = count
        waitingForAcknowledgement = true
        // The read event stays registered: a client waiting for its reply sends nothing, and removing and
        // re-adding the event would cost two epoll_ctl calls per write. One that pipelines is paused on its
        // first readable event instead (`readyToRead`).
        worker.waitForAcknowledgement(self)
        var timeout = ReplicationLink.timeval(.milliseconds(link.settings.syncTimeoutMilliseconds))
        evtimer_add_shim(acknowledgementTimer, &timeout)
    }

    /// The peer's acks moved or the link changed: release the replies if they may go now.
    func acknowledgementChanged(ackedOffset: UInt64, linkStreaming: Bool) {
        guard waitingForAcknowledgement else { return }
        if ackedOffset >= awaitedOffset {
            releaseReplies(degraded: false)
        } else if !linkStreaming {
            releaseReplies(degraded: true)
        }
    }

    fileprivate func acknowledgementTimedOut() {
        guard waitingForAcknowledgement else { return }
        releaseReplies(degraded: true)
    }

    private func releaseReplies(degraded: Bool) {
        waitingForAcknowledgement = false
        if degraded { worker.link?.degradedWrites.wrappingIncrement(by: UInt64(awaitedRecords), ordering: .relaxed) }
        event_del(acknowledgementTimer)
        worker.stopWaiting(self)
        if readThroughTicket == nil { event_add(readEvent, nil) }
        flush()
        // Requests behind a finished read-through were left in the input.
        if !closed, !waitingToWrite, readThroughTicket == nil, !input.isEmpty {
            processInput()
            completeBatch()
        }
    }

    /// Whether the command about to run should first be read through: it names keys this node lacks while it
    /// warms up. `find` asks the executor which keys those are; it is not asked once the request was read through.
    private func needsReadThrough(_ find: () -> [[UInt8]]?) -> Bool {
        if readThroughDone {
            readThroughDone = false
            return false
        }
        guard worker.readThroughActive?.load(ordering: .relaxed) == true, let keys = find() else {
            return false
        }
        readThroughKeys = keys
        return true
    }

    /// Stops reading and parsing until the peer answered the keys, bounded by `--repl-read-through-timeout`.
    private func beginReadThrough(_ keys: [[UInt8]]) {
        guard let ticket = worker.requestReadThrough(keys, for: self), let link = worker.link else { return }
        readThroughTicket = ticket
        event_del(readEvent)
        var timeout = ReplicationLink.timeval(.milliseconds(link.settings.readThroughTimeoutMilliseconds))
        evtimer_add_shim(readThroughTimer, &timeout)
    }

    /// The peer answered (the items it had are now local), or it did not in time: the waiting request runs.
    func readThroughFinished(timedOut: Bool) {
        guard let ticket = readThroughTicket, !closed else { return }
        if timedOut {
            worker.link?.readThroughTimeouts.wrappingIncrement(ordering: .relaxed)
            worker.forgetReadThrough(ticket)
        }
        readThroughTicket = nil
        readThroughDone = true
        event_del(readThroughTimer)
        // A sync-mode wait for earlier writes resumes the input itself once it ends.
        guard !waitingForAcknowledgement else { return }
        if !waitingToWrite { event_add(readEvent, nil) }
        processInput()
        completeBatch()
    }

    fileprivate func readThroughTimedOut() {
        readThroughFinished(timedOut: true)
    }

    /// Runs every complete request at the front of the input buffer.
    private func processInput() {
        guard readThroughTicket == nil else { return }
        let bytes = input.bytes
        var offset = min(swallowRemaining, bytes.count)
        swallowRemaining -= offset
        if wireProtocol == nil, offset < bytes.count {
            wireProtocol = WireProtocol(firstByte: bytes[offset], settings: worker.server.settings)
        }
        switch wireProtocol {
        case .binary: offset = processBinary(bytes, from: offset)
        case .text, nil: offset = processText(bytes, from: offset)
        }
        input.removeFirst(offset)
        if input.isEmpty, input.capacity > Self.retainedBufferSize {
            input.shrink(to: 2048)
        }
        if input.count > max(worker.server.settings.itemSizeMax * 2, 4 << 20) {
            // A request this large without being complete is not one memcached would take either.
            closeAfterWrite = true
        }
        if let keys = readThroughKeys {
            readThroughKeys = nil
            beginReadThrough(keys)
        }
    }

    /// Binary requests from `offset` on; returns where parsing stopped.
    private func processBinary(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var offset = start
        let parser = worker.binaryParser
        let executor = worker.executor
        // Replies memcached would have written already when a wrong magic makes it close.
        var written = 0
        while offset < bytes.count, !closeAfterWrite {
            let request = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            switch parser.parse(request) {
            case .needMoreData:
                return offset
            case .close:
                output.truncate(to: written)
                closeAfterWrite = true
                return bytes.count
            case .request(let binary, let consumed):
                if needsReadThrough({ executor.readThroughKeys(binary: binary, request: request, session: session) }) {
                    return offset
                }
                offset += consumed
                let replyStart = output.count
                switch executor.execute(
                    binary: binary, request: request, client: fd, session: &session, output: output)
                {
                case .proceed:
                    if Self.flushesAtOnce(output, from: replyStart) { written = output.count }
                case .close: closeAfterWrite = true
                case .swallow(let count): offset += swallow(count, available: bytes.count - offset)
                }
            }
            if output.count >= Self.outputHighWater { break }
        }
        return offset
    }

    /// memcached writes at once after a NOOP and after an error reply that starts no swallow; other replies
    /// wait in its queue, and a connection closed for a wrong magic drops them.
    private static func flushesAtOnce(_ output: ByteBuffer, from start: Int) -> Bool {
        guard output.count >= start + 24 else { return false }
        let header = UnsafeRawBufferPointer(rebasing: output.bytes[start..<(start + 24)])
        let opcode = header[1]
        let status = UInt16(header[6]) << 8 | UInt16(header[7])
        if opcode == BinaryOpcode.noop.rawValue { return true }
        // A GETK/GATK miss carries the key, not an error text, and is queued like a hit.
        let keyedMiss =
            status == BinaryStatus.keyNotFound.rawValue
            && (opcode == BinaryOpcode.getWithKey.rawValue || opcode == BinaryOpcode.getAndTouchWithKey.rawValue)
        return status != BinaryStatus.success.rawValue && !keyedMiss
    }

    /// memcached's `-Y` handshake on a text connection; returns where it stopped (after the `set` that
    /// authenticated, if one did).
    private func authenticateText(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var offset = start
        var replyStart: Int?
        while offset < bytes.count, !closeAfterWrite, !session.authenticated {
            let request = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            // memcached reuses one reply slot for a read's handshake replies: only the last of them goes out.
            let outcome = AsciiAuthenticationParser().parse(request)
            if case .needMoreData = outcome { return offset }
            if let replyStart { output.truncate(to: replyStart) }
            replyStart = output.count
            switch outcome {
            case .needMoreData:
                return offset
            case .close:
                closeAfterWrite = true
                return bytes.count
            case .reject(let error, let consumed):
                output.append(error.replyText)
                output.append("\r\n")
                offset += consumed
            case .credentials(let user, let password, let consumed):
                offset += consumed
                worker.statistics.add(.authCmds)
                let passwords = worker.server.settings.passwords
                let user = UnsafeRawBufferPointer(rebasing: request[user])
                let password = UnsafeRawBufferPointer(rebasing: request[password])
                if passwords?.accepts(user: user, password: password) == true {
                    session.authenticated = true
                    output.append("STORED\r\n")
                } else {
                    worker.statistics.add(.authErrors)
                    output.append("CLIENT_ERROR authentication failure\r\n")
                }
            }
        }
        return offset
    }

    /// Text requests from `offset` on; returns where parsing stopped.
    private func processText(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var offset = start
        if worker.server.settings.asciiAuthentication, !session.authenticated {
            offset = authenticateText(bytes, from: offset)
            guard session.authenticated else { return offset }
        }
        let parser = worker.parser
        let executor = worker.executor
        // Replies already in `output` were queued by an earlier batch that stopped at the high-water mark.
        var batch = ReplyBatch(retrievalReplyEnd: output.count)
        parsing: while offset < bytes.count, !closeAfterWrite {
            let request = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            switch parser.parse(request) {
            case .needMoreData:
                break parsing
            case .command(let command, let consumed):
                if needsReadThrough({ executor.readThroughKeys(for: command, request: request) }) { break parsing }
                offset += consumed
                switch executor.execute(command, request: request, client: fd, output: output, batch: &batch) {
                case .proceed: break
                case .close: closeAfterWrite = true
                case .swallow(let count): offset += swallow(count, available: bytes.count - offset)
                }
            case .reject(let error, let consumed, let swallow, let close):
                if let error {
                    output.append(error.replyText)
                    output.append("\r\n")
                }
                offset += consumed
                offset += self.swallow(swallow, available: bytes.count - offset)
                if close { closeAfterWrite = true }
            }
            if output.count >= Self.outputHighWater { break }
        }
        return offset
    }

    /// Starts discarding `count` bytes; returns how many of the `available` ones go now.
    private func swallow(_ count: Int, available: Int) -> Int {
        let now = min(count, available)
        swallowRemaining = count - now
        return now
    }

    /// Writes pending replies; on a full socket waits for it to drain without reading more.
    private func flush() {
        // memcached queues a binary error that starts a swallow and writes it once the swallow is done.
        // A write already under way keeps draining (its event must not spin on held replies).
        if wireProtocol == .binary, swallowRemaining > 0, !closeAfterWrite, !waitingToWrite { return }
        guard let written = transport.drain(output) else {
            close()
            return
        }
        worker.statistics.add(.bytesWritten, UInt64(written))
        // Only a write that is or was blocked reads the clock: the stall starts when it first blocks.
        if !output.isEmpty || waitingToWrite, written > 0 || !waitingToWrite {
            lastWriteProgress = worker.server.clock.now()
        }
        if output.isEmpty {
            if output.capacity > Self.retainedBufferSize { output.shrink(to: 2048) }
            if closeAfterWrite {
                close()
            } else if waitingToWrite {
                waitingToWrite = false
                event_del(writeEvent)
                if readThroughTicket == nil { event_add(readEvent, nil) }
            }
            closeIfAtRequestBoundary()
        } else if !waitingToWrite {
            waitingToWrite = true
            event_del(readEvent)
            event_add(writeEvent, nil)
        }
    }

    /// SIGTERM: read what the client already sent, answer every complete request, and close once
    /// nothing is half received, held for the peer's ack or unwritten.
    func drain() {
        guard !closed else { return }
        draining = true
        readable()
        closeIfAtRequestBoundary()
    }

    private func closeIfAtRequestBoundary() {
        guard draining, !closed, input.isEmpty, swallowRemaining == 0, output.isEmpty, !waitingToWrite,
            !waitingForAcknowledgement, readThroughTicket == nil
        else { return }
        close()
    }

    /// For shutdown: write what is pending (bounded by a send timeout), then close.
    func finishAndClose() {
        if !output.isEmpty {
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            closeAfterWrite = true
            flush()
        }
        close()
    }

    func close() {
        guard !closed else { return }
        worker.server.logger.debug("connection closed", metadata: ["fd": "\(fd)", "worker": "\(worker.index)"])
        detach {
            transport.close()
        }
    }

    /// Stops every event and lets go of the worker; `socket` decides what becomes of the fd
    /// (closed, or handed to the replication link).
    private func detach(socket: () -> Void) {
        closed = true
        event_free(readEvent)
        event_free(writeEvent)
        if let acknowledgementTimer { event_free(acknowledgementTimer) }
        if let readThroughTimer { event_free(readThroughTimer) }
        if let readThroughTicket { worker.forgetReadThrough(readThroughTicket) }
        socket()
        worker.connectionClosed(self)
        CallbackContext<ClientConnection>.release(context)
    }
}

private let onReadable: event_callback_fn = { _, _, context in
    CallbackContext<ClientConnection>.object(from: context).readyToRead()
}

private let onAcknowledgementTimeout: event_callback_fn = { _, _, context in
    CallbackContext<ClientConnection>.object(from: context).acknowledgementTimedOut()
}

private let onReadThroughTimeout: event_callback_fn = { _, _, context in
    CallbackContext<ClientConnection>.object(from: context).readThroughTimedOut()
}

private let onWritable: event_callback_fn = { _, _, context in
    CallbackContext<ClientConnection>.object(from: context).writable()
}
