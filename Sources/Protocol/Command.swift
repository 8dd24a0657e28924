/// A request, decoded from any of the wire protocols.
///
/// Keys and values are byte ranges into the buffer that was parsed, so decoding
/// allocates nothing; a range stays valid until the caller consumes those bytes.
public enum Command: Equatable, Sendable {
    /// `get`/`gets`/`gat`/`gats`: `keys` spans the space-separated key list (see `KeyList`).
    case retrieve(RetrieveRequest)
    /// `set add replace append prepend cas`.
    case store(StoreRequest)
    case delete(key: Range<Int>, noreply: Bool)
    case arithmetic(ArithmeticRequest)
    case touch(key: Range<Int>, exptime: Int64, noreply: Bool)
    /// `flush_all [delay] [noreply]`; `delay` is the raw protocol value (0 = now), nil when it is
    /// not a number: memcached counts such a flush and refuses it (as not allowed under `-F`,
    /// else as an invalid exptime).
    case flushAll(delay: Int64?, noreply: Bool)
    case version
    case verbosity(level: Int, noreply: Bool)
    /// `refresh_certs [noreply]`: reload the TLS certificate and key (`-Z`); memcached ignores other tokens.
    case refreshCertificates(noreply: Bool)
    case quit
    /// `shutdown [graceful]`; memcached accepts it only when started with `-A`.
    case shutdown(graceful: Bool)
    case stats(StatsGroup)
    /// `lru_crawler metadump all|hash|<class ids>`: `selection` spans the last token, read with
    /// `MetadumpSelection` once the server knows dumping is allowed (memcached checks `-X` first).
    case lruCrawlerMetadump(selection: Range<Int>)
    /// A storage command whose item would exceed the item size limit. Reply
    /// `SERVER_ERROR object too large for cache` (nothing under `noreply`); for `set` memcached also
    /// unlinks the existing item. Then discard the next `swallow` bytes as they arrive (the data block).
    case storeTooLarge(mode: StoreMode, key: Range<Int>, noreply: Bool, swallow: Int)
    /// `mg ms md ma me mn`.
    case meta(MetaRequest)
}

public struct RetrieveRequest: Equatable, Sendable {
    /// Space-separated key list; iterate it with `KeyList`.
    public var keys: Range<Int>
    /// `gets`/`gats`: reply with the CAS unique.
    public var withCAS: Bool
    /// `gat`/`gats`: the new raw exptime; nil for `get`/`gets`.
    public var touchExptime: Int64?

    public init(keys: Range<Int>, withCAS: Bool, touchExptime: Int64? = nil) {
        self.keys = keys
        self.withCAS = withCAS
        self.touchExptime = touchExptime
    }
}

public enum StoreMode: UInt8, Equatable, Sendable {
    case set, add, replace, append, prepend, cas
}

public struct StoreRequest: Equatable, Sendable {
    public var mode: StoreMode
    public var key: Range<Int>
    public var flags: UInt32
    /// Raw protocol exptime: 0 never, up to 30 days relative, larger absolute, negative expired.
    public var exptime: Int64
    /// The data block without its trailing `\r\n`.
    public var value: Range<Int>
    /// The unique to compare for `cas`; 0 otherwise.
    public var casUnique: UInt64
    public var noreply: Bool

    public init(
        mode: StoreMode, key: Range<Int>, flags: UInt32, exptime: Int64, value: Range<Int>,
        casUnique: UInt64 = 0, noreply: Bool = false
    ) {
        self.mode = mode
        self.key = key
        self.flags = flags
        self.exptime = exptime
        self.value = value
        self.casUnique = casUnique
        self.noreply = noreply
    }
}

public struct ArithmeticRequest: Equatable, Sendable {
    public var key: Range<Int>
    public var delta: UInt64
    public var increment: Bool
    public var noreply: Bool

    public init(key: Range<Int>, delta: UInt64, increment: Bool, noreply: Bool = false) {
        self.key = key
        self.delta = delta
        self.increment = increment
        self.noreply = noreply
    }
}

public enum StatsGroup: Equatable, Sendable {
    case general
    case settings
    case items
    case slabs
    case conns
    case reset
    /// `stats replication`: the pair's link, offsets, lag and resyncs.
    case replication
    /// `stats sizes`: the item size histogram, which is not kept (memcached's `sizes_status disabled`).
    case sizes
    /// `stats detail on|off|dump`: per-prefix statistics, which are not kept.
    case detail
    /// Any other argument, which memcached answers as it would an unknown group.
    case unknown
}
