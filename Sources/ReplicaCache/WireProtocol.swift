import Protocol

/// The protocol a client connection speaks for its lifetime.
enum WireProtocol {
    case text
    case binary

    /// memcached decides by the first byte unless `-B` (or `-S`/`-Y` alone) fixed the protocol: then text
    /// bytes are read as a binary header (whose wrong magic closes the connection), or binary bytes as text.
    init(firstByte: UInt8, settings: Settings) {
        switch settings.binding {
        case .ascii: self = .text
        case .binary: self = .binary
        case .auto: self = firstByte == BinaryParser.requestMagic ? .binary : .text
        }
    }
}
