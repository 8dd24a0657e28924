import CEventShim
import Glibc
import Protocol
import Replication

/// The socket this node dialed to its peer, carrying this node's stream out and acks back.
final class PeerConnection {
    let fd: Int32
    unowned let link: ReplicationLink
    let output = ByteBuffer(capacity: 64 * 1024)
    private let input = ByteBuffer(capacity: 4096)
    private var readEvent: OpaquePointer?
    private var writeEvent: OpaquePointer?
    private var context: UnsafeMutableRawPointer?
    private var connecting = true
    private var closed = false

    private init(fd: Int32, link: ReplicationLink) {
        self.fd = fd
        self.link = link
    }

    /// Starts a non-blocking connect; the link hears `peerConnected` or `peerFailed`.
    static func dial(host: String, port: UInt16, link: ReplicationLink) throws(ServerError) -> PeerConnection {
        let fd = try Socket.connect(host: host, port: port)
        let connection = PeerConnection(fd: fd, link: link)
        connection.context = CallbackContext.retain(connection)
        connection.readEvent = event_new(link.base, fd, Int16(EV_READ | EV_PERSIST), onPeerReadable, connection.context)
        connection.writeEvent = event_new(
            link.base, fd, Int16(EV_WRITE | EV_PERSIST), onPeerWritable, connection.context)
        event_add(connection.writeEvent, nil)
        return connection
    }

    fileprivate func writable() {
        if connecting {
            connecting = false
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else {
                link.peerFailed("connect failed: \(String(cString: strerror(error)))")
                return
            }
            Socket.disableNagle(fd)
            event_del(writeEvent)
            event_add(readEvent, nil)
            link.peerConnected()
            return
        }
        if let failure = flush() {
            if case .disconnected(let reason) = failure { link.peerFailed(reason) }
            return
        }
        link.peerWritable(space: ReplicationLink.outputHighWater - output.count)
    }

    fileprivate func readable() {
        let space = input.writableSpace(minimum: 16 * 1024)
        let received = read(fd, space.baseAddress, space.count)
        if received == 0 || (received < 0 && errno != EAGAIN && errno != EINTR) {
            link.peerFailed(received == 0 ? "peer closed the connection" : String(cString: strerror(errno)))
            return
        }
        guard received > 0 else { return }
        input.commit(received)
        var offset = 0
        let bytes = input.bytes
        while !closed {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            switch link.configuration.decoder.decode(rest) {
            case .needMoreData:
                input.removeFirst(offset)
                return
            case .invalid(let reason):
                link.peerFailed("invalid frame from peer: \(reason)")
                return
            case .frame(let frame, let length):
                link.peerFrame(frame, in: rest)
                offset += length
            }
        }
    }

    /// Writes what is queued; `nil` when all went or the socket is full (then the write event waits),
    /// `.disconnected` when the connection failed.
    func flush() -> OutgoingEvent? {
        guard !closed, !connecting else { return nil }
        guard let written = Socket.drain(output, to: fd) else {
            return .disconnected(reason: "write to peer failed: \(String(cString: strerror(errno)))")
        }
        if output.isEmpty {
            event_del(writeEvent)
            // The stream's send credit is topped up from the writable callback; a write that drained
            // everything would otherwise leave it spent until the socket filled up again.
            if written > 0 { event_active(writeEvent, Int32(EV_WRITE), 0) }
            if output.capacity > 4 << 20 { output.shrink(to: 64 * 1024) }
        } else {
            event_add(writeEvent, nil)
        }
        return nil
    }

    func close() {
        guard !closed else { return }
        closed = true
        event_free(readEvent)
        event_free(writeEvent)
        Glibc.close(fd)
        CallbackContext<PeerConnection>.release(context)
    }
}

private let onPeerReadable: event_callback_fn = { _, _, context in
    CallbackContext<PeerConnection>.object(from: context).readable()
}

private let onPeerWritable: event_callback_fn = { _, _, context in
    CallbackContext<PeerConnection>.object(from: context).writable()
}
