import Benchmark

/// Every benchmark measures `benchmark.scaledIterations` (1000) requests per sample; the table shows per-request
/// figures. Inputs are built once, outside the measured loops.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .freeCountTotal, .mallocBytesCount],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(1),
        maxIterations: 2_000)
    ParserBenchmarks.register()
    BinaryParserBenchmarks.register()
    CacheBenchmarks.register()
    GetPathBenchmarks.register()
    ReplicationBenchmarks.register()
}
