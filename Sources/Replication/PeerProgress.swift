/// What a receiver has applied from one peer: kept across connections, stated in WELCOME.
public struct PeerProgress: Equatable, Sendable {
    /// The peer's replication id the offsets below belong to; 0 if nothing applied yet.
    public var replicationID: UInt64
    /// The stream offset the receiver wants next.
    public var nextOffset: UInt64

    public static let none = PeerProgress(replicationID: 0, nextOffset: 0)

    public init(replicationID: UInt64, nextOffset: UInt64) {
        self.replicationID = replicationID
        self.nextOffset = nextOffset
    }
}
