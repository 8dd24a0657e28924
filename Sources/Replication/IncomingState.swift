/// Where the acceptor's side of a replication connection stands.
public enum IncomingState: Equatable, Sendable {
    case awaitingHello
    case awaitingProof
    case awaitingStreamStart
    case fullSync
    case streaming
    case closed
}
