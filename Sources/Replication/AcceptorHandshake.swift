/// The acceptor's half: answers HELLO with WELCOME (its nonce and MAC), then checks PROOF.
public struct AcceptorHandshake: Sendable {
    public let identity: NodeIdentity
    public let secret: ReplicationSecret?
    public let nonce: [UInt8]

    public init(identity: NodeIdentity, secret: ReplicationSecret?, nonce: [UInt8]) {
        self.identity = identity
        self.secret = secret
        self.nonce = nonce
    }

    /// Refuses a HELLO this node cannot serve, before anything is said about its progress.
    public func check(_ hello: HelloFrame) -> String? {
        guard hello.protocolVersion == Handshake.protocolVersion else {
            return "unsupported replication protocol version \(hello.protocolVersion)"
        }
        guard hello.nodeID != identity.id else { return "peer has this node's id" }
        return nil
    }

    /// WELCOME stating what this node has applied from the dialer.
    public func welcome(answering hello: HelloFrame, progress: PeerProgress) -> WelcomeFrame {
        let mac = secret.map { Handshake.mac(secret: $0, label: Handshake.acceptLabel, nonce: hello.nonce) } ?? []
        return WelcomeFrame(
            nodeID: identity.id, lastReplicationID: progress.replicationID, nextOffset: progress.nextOffset,
            nodeName: identity.name, nonce: nonce, mac: mac)
    }

    public func verify(proof: [UInt8]) -> HandshakeVerdict {
        guard let secret else { return .accepted(authenticated: false) }
        guard Handshake.isValid(mac: proof, secret: secret, label: Handshake.dialLabel, nonce: nonce) else {
            return .rejected(proof.isEmpty ? "missing proof" : "wrong proof")
        }
        return .accepted(authenticated: true)
    }
}
