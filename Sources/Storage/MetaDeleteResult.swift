/// Outcome of `Cache.metaDelete` (`md`).
public enum MetaDeleteResult: Equatable, Sendable {
    /// Deleted, or with `I` marked stale.
    case deleted
    case notFound
    /// `C` did not match.
    case exists
}
