/// The acceptor's answer to HELLO: what it has applied from the dialer, its own nonce, and its proof.
public struct WelcomeFrame: Equatable, Sendable {
    public var nodeID: UInt32
    /// The dialer's replication id the acceptor last applied records of; 0 if none.
    public var lastReplicationID: UInt64
    /// The offset the acceptor wants next under `lastReplicationID`.
    public var nextOffset: UInt64
    public var nodeName: String
    public var nonce: [UInt8]
    /// HMAC(secret, "rc-accept" ‖ dialer nonce); empty without a secret.
    public var mac: [UInt8]

    public init(
        nodeID: UInt32, lastReplicationID: UInt64, nextOffset: UInt64, nodeName: String, nonce: [UInt8],
        mac: [UInt8]
    ) {
        self.nodeID = nodeID
        self.lastReplicationID = lastReplicationID
        self.nextOffset = nextOffset
        self.nodeName = nodeName
        self.nonce = nonce
        self.mac = mac
    }
}
