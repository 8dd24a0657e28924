/// A client socket that turned out to be the peer's replication connection, on its way to the link thread.
struct IncomingHandoff: Sendable {
    var fd: Int32
    var buffered: [UInt8]
    /// The connection's TLS session under `-Z`; it moves with the socket.
    var tls: TLSSession?
}
