import Protocol

/// The protocol a client connection speaks for its lifetime.
enum WireProtocol {
    case text
    case binary

    /// memcached decides by the first byte. `-Y` alone serves text only (binary bytes are read as text lines),
    /// `-S` alone binary only (anything else is read as a binary header, whose wrong magic closes the
    /// connection); with both, each connection gets its own kind.
    init(firstByte: UInt8, settings: Settings) {
        if settings.saslEnabled && !settings.asciiAuthentication {
            self = .binary
        } else if firstByte == BinaryParser.requestMagic && (settings.saslEnabled || !settings.asciiAuthentication) {
            self = .binary
        } else {
            self = .text
        }
    }
}
