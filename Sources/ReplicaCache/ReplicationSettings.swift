/// How this node pairs with its peer (`--peer` and the `--repl-*` flags).
struct ReplicationSettings: Sendable {
    enum Mode: String, Sendable {
        case async
        case sync
    }

    var peerHost: String
    var peerPort: UInt16
    var nodeName: String
    var mode: Mode
    var backlogBytes: Int
    var syncTimeoutMilliseconds: Int
    var secretFile: String?
    /// Longest wait for the peer's answer to a warm-up read-through.
    var readThroughTimeoutMilliseconds: Int = 100
}
