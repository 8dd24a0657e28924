/// Outcome of `Cache.store`, one case per memcached reply.
public enum StoreResult: Equatable, Sendable {
    /// STORED, with the CAS unique the new item received.
    case stored(casUnique: UInt64)
    case notStored
    case exists
    case notFound
    /// SERVER_ERROR object too large for cache
    case tooLarge
    /// SERVER_ERROR out of memory storing object
    case outOfMemory
}
