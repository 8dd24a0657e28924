import CEventShim
import Glibc
import Protocol
import Replication

/// The socket this node dialed to its peer, carrying this node's stream out and acks back.
/// Under `--repl-tls` a TLS handshake, checking the peer's certificate, comes between the connect and the stream.
final class PeerConnection {
    unowned let link: ReplicationLink
    private let host: String
    /// The socket; under `--repl-tls` its TLS session joins it once the connect is done.
    private var transport: Transport
    var fd: Int32 { transport.fd }
    let output = ByteBuffer(capacity: 64 * 1024)
    private let input = ByteBuffer(capacity: 4096)
    private var readEvent: OpaquePointer?
    private var writeEvent: OpaquePointer?
    private var context: UnsafeMutableRawPointer?
    private var connecting = true
    private var handshaking = false
    private var closed = false

    private init(fd: Int32, host: String, link: ReplicationLink) {
        self.host = host
        self.link = link
        self.transport = Transport(fd: fd)
    }

    /// Starts a non-blocking connect; the link hears `peerConnected` or `peerFailed`.
    static func dial(host: String, port: UInt16, link: ReplicationLink) throws(ServerError) -> PeerConnection {
        let fd = try Socket.connect(host: host, port: port)
        let connection = PeerConnection(fd: fd, host: host, link: link)
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
            if let tls = link.tls {
                guard let session = tls.dialSession(fd: fd, host: host) else {
                    link.peerFailed("cannot start TLS: \(TLSSession.errorText())")
                    return
                }
                transport = Transport(fd: fd, tls: session)
                handshaking = true
                continueHandshake()
                return
            }
            event_del(writeEvent)
            event_add(readEvent, nil)
            link.peerConnected()
            return
        }
        if handshaking {
            continueHandshake()
            return
        }
        if let failure = flush() {
            if case .disconnected(let reason) = failure { link.peerFailed(reason) }
            return
        }
        link.peerWritable(space: ReplicationLink.outputHighWater - output.count)
    }

    /// Steps the TLS handshake on whichever readiness it waits for; the stream starts once it is done.
    private func continueHandshake() {
        guard let session = transport.tls else { return }
        switch session.handshake() {
        case .done:
            handshaking = false
            event_del(writeEvent)
            event_add(readEvent, nil)
            link.peerConnected()
        case .wantsRead:
            event_del(writeEvent)
            event_add(readEvent, nil)
        case .wantsWrite:
            event_add(writeEvent, nil)
        case .failed(let reason):
            link.peerFailed("TLS handshake with the peer failed: \(reason)")
        }
    }

    fileprivate func readable() {
        if handshaking {
            continueHandshake()
            return
        }
        let received = transport.receive(into: input, minimum: 16 * 1024)
        if received == 0 || (received < 0 && errno != EAGAIN && errno != EINTR) {
            link.peerFailed(received == 0 ? "peer closed the connection" : String(cString: strerror(errno)))
            return
        }
        guard received > 0 else { return }
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
        guard !closed, !connecting, !handshaking else { return nil }
        guard let written = transport.drain(output) else {
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
        transport.close()
        CallbackContext<PeerConnection>.release(context)
    }
}

private let onPeerReadable: event_callback_fn = { _, _, context in
    CallbackContext<PeerConnection>.object(from: context).readable()
}

private let onPeerWritable: event_callback_fn = { _, _, context in
    CallbackContext<PeerConnection>.object(from: context).writable()
}
