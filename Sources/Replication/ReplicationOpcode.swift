/// The binary-protocol opcodes replication uses; memcached leaves 0x70...0x7c unassigned.
public enum ReplicationOpcode: UInt8, Sendable, CaseIterable {
    case hello = 0x70
    case welcome = 0x71
    case proof = 0x72
    case streamStart = 0x73
    case item = 0x74
    case tombstone = 0x75
    case flush = 0x76
    case fullSyncDone = 0x77
    case ack = 0x78
    case error = 0x79
    /// A warming node asks for one key's state (read-through).
    case fetch = 0x7a
    /// The answer to FETCH: the key's live item, or not found.
    case fetched = 0x7b
    /// When the records that follow were written on the sender (wall clock), so the receiver can
    /// measure how long writes take to become visible on it.
    case writeTime = 0x7c

    /// Binary-protocol request magic: frames the dialer sends.
    public static let dialerMagic: UInt8 = 0x80
    /// Binary-protocol response magic: frames the acceptor sends.
    public static let acceptorMagic: UInt8 = 0x81

    /// The magic a frame with this opcode carries; `nil` when either side may send it.
    public var magic: UInt8? {
        switch self {
        case .welcome, .ack, .fetched: ReplicationOpcode.acceptorMagic
        case .error: nil
        default: ReplicationOpcode.dialerMagic
        }
    }

    /// Exact extras length of the opcode's frames.
    var extrasLength: Int {
        switch self {
        case .hello: 22
        case .welcome: 20
        case .streamStart: 17
        case .item: 24
        case .tombstone: 12
        case .flush: 20
        case .fullSyncDone, .ack, .fetch, .writeTime: 8
        case .fetched: 33
        case .proof, .error: 0
        }
    }
}
