/// Starts the record stream after the handshake.
public struct StreamStartFrame: Equatable, Sendable {
    public var mode: StreamMode
    public var replicationID: UInt64
    /// Partial: the offset the backlog stream resumes at. Full: the offset the walk started at.
    public var firstOffset: UInt64

    public init(mode: StreamMode, replicationID: UInt64, firstOffset: UInt64) {
        self.mode = mode
        self.replicationID = replicationID
        self.firstOffset = firstOffset
    }
}
