/// The per-item state memcached keeps for the meta protocol, in `ItemHeader.metaBits`. Local to this node:
/// replication carries an item's data, flags and expiry, not these bits.
extension ItemHeader {
    /// Marked stale by `md I` or stored over a newer CAS by `ms I`: `mg` answers `X`.
    static let staleBit: UInt8 = 1
    /// A client was already told it won the recache (`W`): later ones get `Z`.
    static let tokenSentBit: UInt8 = 2
    /// Stored with a base64 (`b`) key: `k` echoes it base64-encoded.
    static let binaryKeyBit: UInt8 = 4
    /// `ItemHeader`'s size, which the meta bits must not grow.
    static let expectedStride = 64
}

extension UnsafeMutablePointer where Pointee == ItemHeader {
    @inline(__always)
    func hasMetaBit(_ bit: UInt8) -> Bool {
        pointee.metaBits & bit != 0
    }

    @inline(__always)
    func setMetaBit(_ bit: UInt8, _ on: Bool) {
        if on {
            pointee.metaBits |= bit
        } else {
            pointee.metaBits &= ~bit
        }
    }
}
