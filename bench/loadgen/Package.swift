// swift-tools-version:6.1
import PackageDescription

// The benchmark's load generator: its own package, so the root package (and `make test`) never builds it.
let package = Package(
    name: "loadgen",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .executableTarget(
            name: "loadgen",
            dependencies: [
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        )
    ]
)
