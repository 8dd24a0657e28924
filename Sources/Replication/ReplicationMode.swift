/// `--repl-mode`: whether a client's reply waits for the peer's ack of its write.
public enum ReplicationMode: String, Sendable {
    case async
    case sync
}
