import Storage

/// One decoded replication frame.
///
/// Key and value fields of records are ranges into the buffer the frame was decoded from, so
/// the apply path never copies; handshake frames are rare and small, so they own their bytes.
public enum ReplicationFrame: Equatable, Sendable {
    case hello(HelloFrame)
    case welcome(WelcomeFrame)
    /// HMAC of the acceptor's nonce; empty when the dialer has no secret.
    case proof(mac: [UInt8])
    case streamStart(StreamStartFrame)
    case item(ItemFrame)
    case tombstone(TombstoneFrame)
    case flush(atMilliseconds: Int64, version: Version)
    /// The backlog offset the full resync's walk started at.
    case fullSyncDone(offset: UInt64)
    /// The receiver's next offset: everything before it is applied.
    case ack(offset: UInt64)
    case error(message: String)

    public var opcode: ReplicationOpcode {
        switch self {
        case .hello: .hello
        case .welcome: .welcome
        case .proof: .proof
        case .streamStart: .streamStart
        case .item: .item
        case .tombstone: .tombstone
        case .flush: .flush
        case .fullSyncDone: .fullSyncDone
        case .ack: .ack
        case .error: .error
        }
    }
}
