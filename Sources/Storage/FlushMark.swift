/// A replicated `flush_all`: once the time reaches `atMilliseconds`, every item whose version's milliseconds are
/// below it is invalid. Among flush marks the higher version wins.
public struct FlushMark: Equatable, Hashable, Sendable {
    /// Unix milliseconds.
    public var atMilliseconds: Int64
    public var version: Version

    public init(atMilliseconds: Int64, version: Version) {
        self.atMilliseconds = atMilliseconds
        self.version = version
    }
}
