/// Outcome of `Cache.metaArithmetic` (`ma`).
public enum MetaArithmeticResult: Equatable, Sendable {
    /// The delta was applied, or the item was created on a miss (`N`); the body has seen it.
    case applied(created: Bool)
    case notFound
    /// `C` did not match.
    case exists
    case nonNumeric
    /// The result needs a longer item and no memory could be freed for it.
    case outOfMemory
    /// A miss with `N` and no memory for the new item.
    case outOfMemoryCreating
}
