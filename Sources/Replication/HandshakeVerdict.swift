/// How one side judged the other's half of the handshake.
public enum HandshakeVerdict: Equatable, Sendable {
    /// `authenticated` is false when no secret is configured: the link works, and the server warns.
    case accepted(authenticated: Bool)
    case rejected(String)
}
