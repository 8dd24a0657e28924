import CEventShim
import Glibc
import Protocol
import Replication

/// A replication connection the peer dialed to this node: its writes come in here and are applied.
final class IncomingReplication {
    private let transport: Transport
    unowned let link: ReplicationLink
    private var stream: IncomingStream
    private let input = ByteBuffer(capacity: 64 * 1024)
    private let output = ByteBuffer(capacity: 1024)
    private var readEvent: OpaquePointer?
    private var writeEvent: OpaquePointer?
    private var timer: OpaquePointer?
    private var context: UnsafeMutableRawPointer?
    private var closeAfterWrite = false
    private var closed = false

    var peerID: UInt32? { stream.peer?.id }
    var fd: Int32 { transport.fd }

    init(transport: Transport, link: ReplicationLink) {
        self.transport = transport
        self.link = link
        stream = IncomingStream(
            configuration: link.configuration, applier: link.applier, random: SystemRandomNumberGenerator())
    }

    func start(buffered: [UInt8]) {
        context = CallbackContext.retain(self)
        readEvent = event_new(link.base, fd, Int16(EV_READ | EV_PERSIST), onIncomingReadable, context)
        writeEvent = event_new(link.base, fd, Int16(EV_WRITE | EV_PERSIST), onIncomingWritable, context)
        timer = evtimer_new_shim(link.base, onIncomingTimer, context)
        event_add(readEvent, nil)
        buffered.withUnsafeBytes { input.append($0) }
        consumeInput()
    }

    fileprivate func readable() {
        let received = transport.receive(into: input, minimum: 64 * 1024)
        if received == 0 || (received < 0 && errno != EAGAIN && errno != EINTR) {
            link.logger.notice("incoming replication connection closed", metadata: ["fd": "\(fd)"])
            close()
            return
        }
        guard received > 0 else { return }
        consumeInput()
    }

    private func consumeInput() {
        let (consumed, actions) = stream.consume(input.bytes, now: .now)
        input.removeFirst(consumed)
        if input.isEmpty, input.capacity > 4 << 20 { input.shrink(to: 64 * 1024) }
        perform(actions)
        link.incomingChanged()
    }

    fileprivate func timerFired() {
        perform(stream.timerFired(now: .now))
    }

    private func perform(_ actions: [IncomingAction]) {
        for action in actions {
            switch action {
            case .send(let bytes):
                output.append(bytes)
            case .handshakeCompleted(let peerName, let authenticated):
                link.logger.notice(
                    "incoming replication link up",
                    metadata: ["peer": "\(peerName)", "authenticated": "\(authenticated)"])
                if let peerID { link.incomingIdentified(self, peer: peerID) }
            case .recordsVisible(let count, let writtenAt):
                link.recordVisible(count: count, writtenAt: writtenAt)
            case .scheduleTimer(let delay):
                var interval = ReplicationLink.timeval(delay)
                evtimer_add_shim(timer, &interval)
            case .close(let reason):
                link.logger.warning("incoming replication refused", metadata: ["reason": "\(reason)"])
                closeAfterWrite = true
            }
        }
        flush()
    }

    fileprivate func flush() {
        guard !closed else { return }
        guard transport.drain(output) != nil else {
            close()
            return
        }
        if output.isEmpty {
            event_del(writeEvent)
            if closeAfterWrite { close() }
        } else {
            event_add(writeEvent, nil)
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        event_free(readEvent)
        event_free(writeEvent)
        event_free(timer)
        transport.close()
        link.incomingClosed(self)
        CallbackContext<IncomingReplication>.release(context)
    }
}

private let onIncomingReadable: event_callback_fn = { _, _, context in
    CallbackContext<IncomingReplication>.object(from: context).readable()
}

private let onIncomingWritable: event_callback_fn = { _, _, context in
    CallbackContext<IncomingReplication>.object(from: context).flush()
}

private let onIncomingTimer: event_callback_fn = { _, _, context in
    CallbackContext<IncomingReplication>.object(from: context).timerFired()
}
