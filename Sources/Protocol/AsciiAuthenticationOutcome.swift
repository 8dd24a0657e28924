/// What the ASCII authentication step made of the front of an unauthenticated connection's buffer.
public enum AsciiAuthenticationOutcome: Equatable, Sendable {
    case needMoreData
    /// Not an authentication attempt, or a malformed one: reply `error` and drop `consumed` bytes.
    case reject(ClientError, consumed: Int)
    /// A `set` whose data holds `user password`: check them, reply `STORED` or an authentication failure.
    case credentials(user: Range<Int>, password: Range<Int>, consumed: Int)
    /// Over 2048 bytes without a newline: memcached closes the connection.
    case close
}
