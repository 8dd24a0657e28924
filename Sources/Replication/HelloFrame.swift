/// The dialer's opening frame: who it is, where its stream stands, and its challenge nonce.
public struct HelloFrame: Equatable, Sendable {
    public var protocolVersion: UInt16
    public var nodeID: UInt32
    public var replicationID: UInt64
    /// The dialer's backlog end offset when it dialed (informational).
    public var nextOffset: UInt64
    public var nodeName: String
    public var nonce: [UInt8]

    public init(
        protocolVersion: UInt16, nodeID: UInt32, replicationID: UInt64, nextOffset: UInt64, nodeName: String,
        nonce: [UInt8]
    ) {
        self.protocolVersion = protocolVersion
        self.nodeID = nodeID
        self.replicationID = replicationID
        self.nextOffset = nextOffset
        self.nodeName = nodeName
        self.nonce = nonce
    }
}
