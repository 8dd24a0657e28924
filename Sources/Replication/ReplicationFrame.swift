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
    /// Read-through: the state of `key` (a range into the decoded bytes) is wanted, answered under `requestID`.
    case fetch(requestID: UInt64, key: Range<Int>)
    /// The answer to a FETCH: the key's live item, or nil when the acceptor has none.
    case fetched(requestID: UInt64, item: ItemFrame?)
    /// The records that follow were written on the sender at this wall-clock time (nanoseconds since the
    /// Unix epoch) or shortly after (`WriteTimeStamper`). Part of the offset stream.
    case writeTime(unixNanoseconds: UInt64)

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
        case .fetch: .fetch
        case .fetched: .fetched
        case .writeTime: .writeTime
        }
    }
}
