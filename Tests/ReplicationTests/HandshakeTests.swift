import Replication
import Testing

private let dialerIdentity = NodeIdentity(name: "a", id: 1)
private let acceptorIdentity = NodeIdentity(name: "b", id: 2)
private let secret = ReplicationSecret(bytes: Array("correct horse".utf8))
private let otherSecret = ReplicationSecret(bytes: Array("battery staple".utf8))

private func nonce(_ seed: UInt64) -> [UInt8] {
    var generator = SeededGenerator(seed: seed)
    return Handshake.nonce(using: &generator)
}

/// Runs HELLO → WELCOME → PROOF and returns each side's verdict (the acceptor's is nil if the dialer gave up).
private func run(dialerSecret: ReplicationSecret?, acceptorSecret: ReplicationSecret?)
    -> (dialer: HandshakeVerdict, acceptor: HandshakeVerdict?, welcome: WelcomeFrame, proof: [UInt8])
{
    let dialer = DialerHandshake(identity: dialerIdentity, secret: dialerSecret, nonce: nonce(1))
    let acceptor = AcceptorHandshake(identity: acceptorIdentity, secret: acceptorSecret, nonce: nonce(2))
    let hello = dialer.hello(replicationID: 9, nextOffset: 0)
    #expect(acceptor.check(hello) == nil)
    let welcome = acceptor.welcome(answering: hello, progress: PeerProgress(replicationID: 9, nextOffset: 5))
    let dialerVerdict = dialer.verify(welcome)
    guard case .accepted = dialerVerdict else { return (dialerVerdict, nil, welcome, []) }
    let proof = dialer.proof(for: welcome)
    return (dialerVerdict, acceptor.verify(proof: proof), welcome, proof)
}

@Test func sameSecretAuthenticatesBothSides() {
    let result = run(dialerSecret: secret, acceptorSecret: secret)
    #expect(result.dialer == .accepted(authenticated: true))
    #expect(result.acceptor == .accepted(authenticated: true))
    #expect(result.welcome.mac.count == 32)
    #expect(result.proof.count == 32)
    #expect(result.welcome.lastReplicationID == 9)
    #expect(result.welcome.nextOffset == 5)
}

@Test func wrongSecretIsRejectedByTheDialer() {
    let result = run(dialerSecret: secret, acceptorSecret: otherSecret)
    guard case .rejected = result.dialer else {
        Issue.record("dialer accepted a welcome MACed with another secret")
        return
    }
}

@Test func wrongSecretIsRejectedByTheAcceptor() {
    let acceptor = AcceptorHandshake(identity: acceptorIdentity, secret: secret, nonce: nonce(2))
    let impostor = DialerHandshake(identity: dialerIdentity, secret: otherSecret, nonce: nonce(1))
    let welcome = acceptor.welcome(answering: impostor.hello(replicationID: 1, nextOffset: 0), progress: .none)
    #expect(acceptor.verify(proof: impostor.proof(for: welcome)) == .rejected("wrong proof"))
}

@Test func missingProofIsRejectedWhenTheAcceptorHasASecret() {
    let result = run(dialerSecret: nil, acceptorSecret: secret)
    #expect(result.dialer == .accepted(authenticated: false))
    #expect(result.proof.isEmpty)
    #expect(result.acceptor == .rejected("missing proof"))
}

@Test func noSecretOnEitherSideWorksUnauthenticated() {
    let result = run(dialerSecret: nil, acceptorSecret: nil)
    #expect(result.dialer == .accepted(authenticated: false))
    #expect(result.acceptor == .accepted(authenticated: false))
    #expect(result.welcome.mac.isEmpty)
    #expect(result.proof.isEmpty)
}

@Test func proofForOneNonceDoesNotOpenAnother() {
    let first = AcceptorHandshake(identity: acceptorIdentity, secret: secret, nonce: nonce(2))
    let second = AcceptorHandshake(identity: acceptorIdentity, secret: secret, nonce: nonce(3))
    let dialer = DialerHandshake(identity: dialerIdentity, secret: secret, nonce: nonce(1))
    let recorded = dialer.proof(
        for: first.welcome(answering: dialer.hello(replicationID: 1, nextOffset: 0), progress: .none))
    #expect(first.verify(proof: recorded) == .accepted(authenticated: true))
    #expect(second.verify(proof: recorded) == .rejected("wrong proof"))
}

@Test func acceptorRefusesItsOwnNodeIDAndOtherProtocolVersions() {
    let acceptor = AcceptorHandshake(identity: acceptorIdentity, secret: nil, nonce: nonce(2))
    var hello = DialerHandshake(identity: acceptorIdentity, secret: nil, nonce: nonce(1)).hello(
        replicationID: 1, nextOffset: 0)
    #expect(acceptor.check(hello) != nil)
    hello.nodeID = 1
    hello.protocolVersion = 2
    #expect(acceptor.check(hello) != nil)
}

@Test func secretFileLineBreakIsNotPartOfTheKey() {
    let fromFile = ReplicationSecret(fileContents: Array("correct horse\r\n".utf8))
    let dialer = DialerHandshake(identity: dialerIdentity, secret: fromFile, nonce: nonce(1))
    let acceptor = AcceptorHandshake(identity: acceptorIdentity, secret: secret, nonce: nonce(2))
    let welcome = acceptor.welcome(answering: dialer.hello(replicationID: 1, nextOffset: 0), progress: .none)
    #expect(dialer.verify(welcome) == .accepted(authenticated: true))
}

@Test func noncesComeFromTheInjectedGenerator() {
    #expect(nonce(1) == nonce(1))
    #expect(nonce(1) != nonce(2))
    #expect(nonce(1).count == 32)
}
