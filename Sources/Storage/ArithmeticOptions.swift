/// What an incr/decr may do beyond adding the delta: the binary protocol's CAS check and initial value, the
/// meta protocol's `C`, `N`/`J` and `T` flags.
public struct ArithmeticOptions: Equatable, Sendable {
    /// Compared with the item's unique; 0 means no check.
    public var casUnique: UInt64
    /// Stored (as decimal text, flags 0) when the key is missing; nil leaves a miss a miss.
    public var initialValue: UInt64?
    /// Raw protocol exptime of an item created from `initialValue`.
    public var initialExptime: Int64
    /// Raw protocol exptime given to an existing item the delta was applied to; nil keeps its expiry.
    public var touchExptime: Int64?

    public init(
        casUnique: UInt64 = 0, initialValue: UInt64? = nil, initialExptime: Int64 = 0, touchExptime: Int64? = nil
    ) {
        self.casUnique = casUnique
        self.initialValue = initialValue
        self.initialExptime = initialExptime
        self.touchExptime = touchExptime
    }
}
