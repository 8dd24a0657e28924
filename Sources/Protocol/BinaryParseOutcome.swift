/// What one binary parse step made of the bytes at the front of a connection's buffer.
public enum BinaryParseOutcome: Equatable, Sendable {
    /// No complete request yet; call again when more bytes arrived.
    case needMoreData
    /// A request occupying the first `consumed` bytes.
    case request(BinaryRequest, consumed: Int)
    /// Not a request (wrong magic): memcached closes the connection at once, dropping the replies it has not
    /// written yet.
    case close
}
