/// memcached's expiry and `flush_all` rules, plus replicated flush marks, evaluated against one reading of the
/// clock.
struct ItemLiveness {
    /// Largest exptime taken as relative (30 days); anything larger is a unix time.
    static let maximumRelativeExptime: Int64 = 60 * 60 * 24 * 30
    /// The `expiresAt` of tombstones: always in the past, so reads take them for a miss on their slow path.
    static let tombstoneExpiry: Int64 = -1

    let now: Int64
    /// Items last touched at or before this time are flushed once it has passed; 0 means no flush.
    let oldestLive: Int64
    /// Items with a smaller CAS unique are flushed, so a flush also hides items stored in its own second.
    let oldestCas: UInt64
    /// Items whose version timestamp is below this are flushed (a flush mark that has come into force);
    /// 0 means none.
    let flushedBelowTimestamp: UInt64

    /// memcached's `realtime()`: 0 never; negative already expired (stored as -1); up to 30 days relative;
    /// larger values are unix times.
    static func expiresAt(exptime: Int64, now: Int64) -> Int64 {
        if exptime == 0 { return 0 }
        if exptime < 0 { return -1 }
        if exptime > maximumRelativeExptime { return exptime }
        return now + exptime
    }

    /// True for expired items and for every tombstone.
    @inline(__always)
    func isExpired(_ item: ItemPointer) -> Bool {
        let expiresAt = item.pointee.expiresAt
        return expiresAt != 0 && expiresAt <= now
    }

    @inline(__always)
    func isFlushed(_ item: ItemPointer) -> Bool {
        if flushedBelowTimestamp != 0 && item.pointee.version.timestamp < flushedBelowTimestamp { return true }
        guard oldestLive != 0 && oldestLive <= now else { return false }
        let casUnique = item.pointee.casUnique
        return item.pointee.lastAccess <= oldestLive || (oldestCas != 0 && casUnique != 0 && casUnique < oldestCas)
    }
}
