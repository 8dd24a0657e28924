import Crypto

/// The challenge-response shared by both roles: each side proves the secret by MACing the other's nonce.
public enum Handshake {
    public static let protocolVersion: UInt16 = 1
    static let acceptLabel: [UInt8] = Array("rc-accept".utf8)
    static let dialLabel: [UInt8] = Array("rc-dial".utf8)

    /// HMAC-SHA256(secret, label ‖ nonce).
    static func mac(secret: ReplicationSecret, label: [UInt8], nonce: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: secret.key)
        hmac.update(data: label)
        hmac.update(data: nonce)
        return Array(hmac.finalize())
    }

    /// Constant-time check of a MAC the other side sent.
    static func isValid(mac: [UInt8], secret: ReplicationSecret, label: [UInt8], nonce: [UInt8]) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: label + nonce, using: secret.key)
    }

    public static func nonce(using random: inout some RandomNumberGenerator) -> [UInt8] {
        var nonce: [UInt8] = []
        nonce.reserveCapacity(FrameDecoder.nonceLength)
        for _ in 0..<(FrameDecoder.nonceLength / 8) {
            withUnsafeBytes(of: random.next()) { nonce.append(contentsOf: $0) }
        }
        return nonce
    }
}
