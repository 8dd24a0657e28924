import Benchmark

extension Benchmark.Configuration {
    /// The default configuration, failing `thresholds check` when a sample allocates at all: the static threshold
    /// in `Thresholds/Micro.<name>.p90.json` is 0 mallocs, and no deviation from it is tolerated.
    static var allocationFree: Benchmark.Configuration {
        var configuration = Benchmark.defaultConfiguration
        configuration.thresholds = [.mallocCountTotal: BenchmarkThresholds(absolute: [.p90: 0])]
        return configuration
    }
}
