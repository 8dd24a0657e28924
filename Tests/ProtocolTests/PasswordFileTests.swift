import Protocol
import Testing

@Suite struct PasswordFileTests {
    private let file = PasswordFile(contents: wire("alice:secret\r\nbob:pw2\ncarol:pa:ss\nnocolon\n\n"))

    private func accepts(_ user: String, _ password: String) -> Bool {
        wire(user).withUnsafeBytes { user in wire(password).withUnsafeBytes { file.accepts(user: user, password: $0) } }
    }

    private func acceptsPlain(_ message: [UInt8]) -> Bool {
        message.withUnsafeBytes { file.acceptsPlain($0) }
    }

    @Test func everyUserWithItsOwnPassword() {
        #expect(accepts("alice", "secret"))
        #expect(accepts("bob", "pw2"))
        #expect(!accepts("alice", "pw2"))
        #expect(!accepts("mallory", "secret"))
    }

    /// memcached strips the line end, so neither a `\r` nor a `\n` belongs to the password.
    @Test func lineEndsAreNotPartOfThePassword() {
        #expect(!accepts("alice", "secret\r"))
    }

    /// The first colon separates user and password, as in memcached: a password may contain colons.
    @Test func passwordMayContainColons() {
        #expect(accepts("carol", "pa:ss"))
        #expect(!accepts("carol", "pa"))
    }

    @Test func prefixesAndExtensionsAreRefused() {
        #expect(!accepts("alice", "secre"))
        #expect(!accepts("alice", "secrets"))
        #expect(!accepts("alic", "secret"))
        #expect(!accepts("alice", ""))
        #expect(!accepts("", ""))
    }

    @Test func linesWithoutColonAreIgnored() {
        #expect(!accepts("nocolon", ""))
        #expect(PasswordFile(contents: wire("just text\n")).isEmpty)
    }

    @Test func plainMessageWithAndWithoutAuthorizationIdentity() {
        #expect(acceptsPlain([0] + wire("alice") + [0] + wire("secret")))
        #expect(acceptsPlain(wire("alice") + [0] + wire("alice") + [0] + wire("secret")))
        // Acting for another user is not allowed.
        #expect(!acceptsPlain(wire("bob") + [0] + wire("alice") + [0] + wire("secret")))
    }

    @Test func malformedPlainMessagesAreRefused() {
        #expect(!acceptsPlain(wire("alicesecret")))
        #expect(!acceptsPlain([0] + wire("alicesecret")))
        #expect(!acceptsPlain([0] + wire("alice") + [0] + wire("secret") + [0]))
        #expect(!acceptsPlain([]))
    }
}
