/// The dialer's half: HELLO with a nonce, then checks WELCOME's MAC and answers with PROOF.
public struct DialerHandshake: Sendable {
    public let identity: NodeIdentity
    public let secret: ReplicationSecret?
    public let nonce: [UInt8]

    public init(identity: NodeIdentity, secret: ReplicationSecret?, nonce: [UInt8]) {
        self.identity = identity
        self.secret = secret
        self.nonce = nonce
    }

    public func hello(replicationID: UInt64, nextOffset: UInt64) -> HelloFrame {
        HelloFrame(
            protocolVersion: Handshake.protocolVersion, nodeID: identity.id, replicationID: replicationID,
            nextOffset: nextOffset, nodeName: identity.name, nonce: nonce)
    }

    public func verify(_ welcome: WelcomeFrame) -> HandshakeVerdict {
        guard welcome.nodeID != identity.id else { return .rejected("peer has this node's id") }
        guard let secret else { return .accepted(authenticated: false) }
        guard !welcome.mac.isEmpty else { return .rejected("peer sent no proof; is its secret configured?") }
        guard Handshake.isValid(mac: welcome.mac, secret: secret, label: Handshake.acceptLabel, nonce: nonce) else {
            return .rejected("peer's proof does not match the secret")
        }
        return .accepted(authenticated: true)
    }

    /// The PROOF MAC over the acceptor's nonce; empty without a secret.
    public func proof(for welcome: WelcomeFrame) -> [UInt8] {
        guard let secret else { return [] }
        return Handshake.mac(secret: secret, label: Handshake.dialLabel, nonce: welcome.nonce)
    }
}
