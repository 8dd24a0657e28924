// swift-tools-version:6.1
import PackageDescription

// Micro-benchmarks of the pure modules: their own package, so the root package (and `make test`) never builds the
// benchmark framework. Only the MallocInterposer trait: it counts every malloc and free during the measurement.
let package = Package(
    name: "micro",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ReplicaCache", path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Micro",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Protocol", package: "ReplicaCache"),
                .product(name: "Storage", package: "ReplicaCache"),
                .product(name: "Replication", package: "ReplicaCache"),
            ],
            path: "Benchmarks/Micro",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
