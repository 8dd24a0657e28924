/// Which items `lru_crawler metadump <selection>` lists, read as memcached reads the token.
public enum MetadumpSelection: Equatable, Sendable {
    /// `all`, or `hash` (memcached walks its hash table instead of its LRUs; the items are the same).
    case all
    /// Comma-separated size class ids; empty parts are skipped, and a list of none crawls nothing
    /// (memcached answers `NOTSTARTED no items to crawl`).
    case classes(Set<Int>)

    /// memcached's size class ids: 1 up to its 63 classes.
    public static let classIDs = 1...63

    /// nil when a class id is not a number or out of range: memcached's `BADCLASS invalid class id`.
    public init?(_ token: UnsafeRawBufferPointer) {
        if token.elementsEqual("all".utf8) || token.elementsEqual("hash".utf8) {
            self = .all
            return
        }
        var classes = Set<Int>()
        for part in token.split(separator: UInt8(ascii: ",")) {
            var id = 0
            for byte in part {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                id = id * 10 + Int(byte - UInt8(ascii: "0"))
                guard id <= Self.classIDs.upperBound else { return nil }
            }
            guard Self.classIDs.contains(id) else { return nil }
            classes.insert(id)
        }
        self = .classes(classes)
    }

    public func includes(sizeClass: Int) -> Bool {
        switch self {
        case .all: true
        case .classes(let classes): classes.contains(sizeClass)
        }
    }
}
