// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ReplicaCache",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "replicacache", targets: ["ReplicaCache"]),
        // For bench/micro, a separate package that links the pure modules.
        .library(name: "Protocol", targets: ["Protocol"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Replication", targets: ["Replication"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.2.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CEventShim",
            pkgConfig: "libevent",
            providers: [.apt(["libevent-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "Protocol"),
        .systemLibrary(name: "CMalloc"),
        .target(name: "Storage", dependencies: ["CMalloc"]),
        .target(
            name: "Replication",
            dependencies: [
                "Protocol", "Storage", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "ReplicaCache",
            dependencies: [
                "CEventShim", "COpenSSL", "Protocol", "Storage", "Replication",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Atomics", package: "swift-atomics"),
            ],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        .testTarget(name: "ProtocolTests", dependencies: ["Protocol"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(name: "ReplicationTests", dependencies: ["Replication"]),
    ]
)
