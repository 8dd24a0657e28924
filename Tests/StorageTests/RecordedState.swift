import Storage

/// An owned copy of an `ItemState`, so tests can keep, compare and replay what a cache reported.
struct RecordedState: Hashable {
    var key: String
    var isTombstone: Bool
    var flags: UInt32
    var expiresAt: Int64
    var value: String
    var version: Version

    init(_ state: ItemState) {
        key = String(decoding: state.key, as: UTF8.self)
        isTombstone = state.isTombstone
        flags = state.flags
        expiresAt = state.expiresAt
        value = String(decoding: state.value, as: UTF8.self)
        version = state.version
    }

    init(key: String, value: String, flags: UInt32 = 0, expiresAt: Int64 = 0, version: Version) {
        self.key = key
        isTombstone = false
        self.flags = flags
        self.expiresAt = expiresAt
        self.value = value
        self.version = version
    }

    init(tombstone key: String, version: Version) {
        self.key = key
        isTombstone = true
        flags = 0
        expiresAt = 0
        value = ""
        self.version = version
    }

    /// Applies this state to `cache` as a replication receiver would.
    @discardableResult
    func apply(to cache: Cache) -> Bool {
        Array(key.utf8).withUnsafeBytes { keyBytes in
            if isTombstone { return cache.applyTombstone(key: keyBytes, version: version) }
            return Array(value.utf8).withUnsafeBytes { valueBytes in
                cache.apply(key: keyBytes, flags: flags, expiresAt: expiresAt, value: valueBytes, version: version)
            }
        }
    }
}
