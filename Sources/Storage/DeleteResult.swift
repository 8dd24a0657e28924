/// Outcome of a CAS-conditioned delete (binary DELETE, meta `md` with a compare CAS).
public enum DeleteResult: Equatable, Sendable {
    case deleted
    case notFound
    /// The item's CAS unique differs from the one the request compared against.
    case exists
}
