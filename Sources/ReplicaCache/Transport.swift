import Glibc
import Protocol

/// A connection's socket, with its TLS session under `-Z`: reads and writes go through here, so the connection
/// loops are the same either way.
struct Transport {
    let fd: Int32
    let tls: TLSSession?

    init(fd: Int32, tls: TLSSession? = nil) {
        self.fd = fd
        self.tls = tls
    }

    /// Appends what arrived to `buffer`, as `read` answers: bytes, 0 at end of stream, or -1 with `errno`.
    func receive(into buffer: ByteBuffer, minimum: Int) -> Int {
        if let tls { return tls.receive(into: buffer) }
        let space = buffer.writableSpace(minimum: minimum)
        let received = read(fd, space.baseAddress, space.count)
        if received > 0 { buffer.commit(received) }
        return received
    }

    /// Writes the front of `buffer` until it is empty or the socket is full; see `Socket.drain`.
    func drain(_ buffer: ByteBuffer) -> Int? {
        if let tls { return tls.send(buffer) }
        return Socket.drain(buffer, to: fd)
    }

    /// Ends TLS politely when it can, then closes the socket.
    func close() {
        tls?.close()
        Glibc.close(fd)
    }
}
