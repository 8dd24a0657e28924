/// Where the dialer's link stands.
public enum OutgoingState: Equatable, Sendable {
    case idle
    case connecting
    case handshaking
    case fullSync
    case streaming
    case waitingToReconnect

    /// The name `stats replication` shows.
    public var name: String {
        switch self {
        case .idle: "idle"
        case .connecting: "connecting"
        case .handshaking: "handshaking"
        case .fullSync: "full_sync"
        case .streaming: "streaming"
        case .waitingToReconnect: "reconnecting"
        }
    }
}
