/// The flags of one meta command as memcached 1.6.18 parses them (`_meta_flag_preparse`): which letters were
/// present and the values of those that carry a token.
public struct MetaFlags: Equatable, Sendable {
    /// One bit per flag letter (`A` is bit 0, `z` bit 57).
    public var present: UInt64 = 0
    /// `T`: the raw exptime to set.
    public var exptime: Int64 = 0
    /// `N`: the raw exptime of an item created on a miss.
    public var vivifyExptime: Int64 = 0
    /// `R`: the raw exptime below which a hit wins the recache.
    public var recacheExptime: Int64 = 0
    /// `F`
    public var clientFlags: UInt32 = 0
    /// `C`
    public var compareCas: UInt64 = 0
    /// `D`: 1 unless given.
    public var delta: UInt64 = 1
    /// `J`
    public var initial: UInt64 = 0
    /// `M`: the mode letter; 0 when absent.
    public var mode: UInt8 = 0
    /// `O` tokens longer than memcached's 32 bytes are an error once the reply reaches them.
    public var opaqueTooLong = false

    public init() {}

    @inline(__always)
    static func bit(_ letter: UInt8) -> UInt64 {
        1 << UInt64(letter &- UInt8(ascii: "A"))
    }

    /// Marks flag `letter` present.
    @inline(__always)
    public mutating func insert(_ letter: Unicode.Scalar) {
        present |= Self.bit(UInt8(ascii: letter))
    }

    @inline(__always)
    public func has(_ letter: Unicode.Scalar) -> Bool {
        present & Self.bit(UInt8(ascii: letter)) != 0
    }

    /// `b`: the key is base64.
    public var base64: Bool { has("b") }
    /// `q`: suppress the nominal reply.
    public var quiet: Bool { has("q") }
    /// `u`: leave the LRU position, fetched bit and last access alone.
    public var noBump: Bool { has("u") }
    /// `I`: invalidate (md) or allow a stale CAS (ms).
    public var invalidate: Bool { has("I") }
    /// `v`: return the value.
    public var returnsValue: Bool { has("v") }

    /// memcached's longest opaque token, `O` included.
    public static let maximumOpaqueLength = 32
}
