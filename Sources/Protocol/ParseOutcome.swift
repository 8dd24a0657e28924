/// What one parse step made of the bytes at the front of a connection's buffer.
public enum ParseOutcome: Equatable, Sendable {
    /// No complete request yet; call again when more bytes arrived.
    case needMoreData
    /// A request that occupies the first `consumed` bytes.
    case command(Command, consumed: Int)
    /// A bad request: reply with `error` (nil where memcached stays silent, as under
    /// `noreply`), drop `consumed` bytes, then discard the next `swallow` bytes as they
    /// arrive (a rejected data block), and close the connection if `close`.
    case reject(ClientError?, consumed: Int, swallow: Int, close: Bool)
}
