import Crypto

/// The shared key of `--repl-secret-file`.
public struct ReplicationSecret: Sendable {
    /// Kept as bytes: swift-crypto's `SymmetricKey` is not `Sendable`, and handshakes are rare.
    private let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The key as a secret file holds it: a trailing line break is not part of it, so files
    /// written by `echo` and by editors agree.
    public init(fileContents: [UInt8]) {
        var bytes = fileContents[...]
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") {
            bytes = bytes.dropLast()
        }
        self.init(bytes: Array(bytes))
    }

    var key: SymmetricKey { SymmetricKey(data: bytes) }
}
