/// Where a full resync's walk of the store stands.
public struct WalkCursor: Equatable, Sendable {
    public var shard: Int
    public var bucket: Int

    public init(shard: Int, bucket: Int) {
        self.shard = shard
        self.bucket = bucket
    }
}
