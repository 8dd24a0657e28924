/// Where the dialer's link stands.
public enum OutgoingState: Equatable, Sendable {
    case idle
    case connecting
    case handshaking
    /// PROOF and STREAM_START are sent; the peer's first ACK says it accepted them.
    case awaitingAcceptance
    case fullSync
    case streaming
    case waitingToReconnect

    /// The name `stats replication` shows.
    public var name: String {
        switch self {
        case .idle: "idle"
        case .connecting: "connecting"
        case .handshaking: "handshaking"
        case .awaitingAcceptance: "accepting"
        case .fullSync: "full_sync"
        case .streaming: "streaming"
        case .waitingToReconnect: "reconnecting"
        }
    }
}
