/// The meta commands memcached 1.6 serves on its text port.
public enum MetaCommandKind: UInt8, Equatable, Sendable {
    /// `mg`
    case get
    /// `ms` with its data block.
    case set
    /// `ms` whose item would exceed the item size limit: reply `SERVER_ERROR object too large for cache`,
    /// unlink the key's item as memcached does, then discard the data block (`MetaRequest.swallow` bytes).
    case setTooLarge
    /// `md`
    case delete
    /// `ma`
    case arithmetic
    /// `me`: memcached's human-readable item dump.
    case debug
    /// `mn`
    case noop
}
