/// Outcome of `Cache.arithmetic(key:delta:increment:options:changed:)`.
public enum CounterResult: Equatable, Sendable {
    /// The counter's value after the operation, the item's new CAS unique and absolute expiry (0 never);
    /// `created` when the key was missing and the initial value was stored.
    case value(UInt64, casUnique: UInt64, expiresAt: Int64, created: Bool)
    case notFound
    /// The item's CAS unique differs from the one compared against; nothing changed.
    case exists
    case nonNumeric
    /// The result needs a longer (or a new) item and no memory could be freed for it.
    case outOfMemory
}
