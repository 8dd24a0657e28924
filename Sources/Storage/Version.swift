/// A hybrid-logical-clock version: 48 bits of milliseconds, a 16-bit counter, and the
/// writing node's id to break ties, so every node orders any two writes the same way.
public struct Version: Comparable, Hashable, Sendable {
    /// Milliseconds since the Unix epoch in the high 48 bits, counter in the low 16.
    public var timestamp: UInt64
    public var nodeID: UInt32

    public static let zero = Version(timestamp: 0, nodeID: 0)

    public init(timestamp: UInt64, nodeID: UInt32) {
        self.timestamp = timestamp
        self.nodeID = nodeID
    }

    public init(milliseconds: UInt64, counter: UInt16, nodeID: UInt32) {
        self.init(timestamp: (milliseconds << 16) | UInt64(counter), nodeID: nodeID)
    }

    public var milliseconds: UInt64 { timestamp >> 16 }
    public var counter: UInt16 { UInt16(truncatingIfNeeded: timestamp) }

    public static func < (lhs: Version, rhs: Version) -> Bool {
        (lhs.timestamp, lhs.nodeID) < (rhs.timestamp, rhs.nodeID)
    }
}
