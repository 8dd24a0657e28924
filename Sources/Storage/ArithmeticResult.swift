/// Outcome of `Cache.arithmetic` (incr/decr).
public enum ArithmeticResult: Equatable, Sendable {
    case value(UInt64)
    case notFound
    case nonNumeric
    /// The result needs a longer item and no memory could be freed for it (SERVER_ERROR out of memory).
    case outOfMemory
}
