import Storage

extension CacheHarness {
    /// Every state a full-resync walk sees, by key, walked in chunks of `limit` entries.
    func walkedStates(limit: Int = 50) -> [String: RecordedState] {
        var states: [String: RecordedState] = [:]
        for shard in 0..<cache.shardCount {
            var bucket: Int? = 0
            while let start = bucket {
                bucket = cache.forEachState(shard: shard, startBucket: start, limit: limit) { state in
                    let recorded = RecordedState(state)
                    states[recorded.key] = recorded
                }
            }
        }
        return states
    }

    /// The version of `key`'s live item, as a full-resync walk reports it.
    func version(of key: String) -> Version? {
        let state = walkedStates()[key]
        return state?.isTombstone == false ? state?.version : nil
    }

    /// A version at `millisecondsAfterStart` past the harness's start time.
    static func version(_ millisecondsAfterStart: UInt64, counter: UInt16 = 0, node: UInt32 = 1) -> Version {
        Version(milliseconds: UInt64(startTime) * 1000 + millisecondsAfterStart, counter: counter, nodeID: node)
    }
}
