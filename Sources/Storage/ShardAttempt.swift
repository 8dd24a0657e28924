/// The outcome of one locked attempt at an operation that may need memory from other shards.
enum ShardAttempt<Result> {
    case finished(Result)
    /// This shard could not free enough; the caller evicts elsewhere (without this lock) and retries.
    case needsMemory(Int)
}
