// swift-tools-version:6.1
// libFuzzer targets for the parsers and the replication decoder; see `make fuzz`. Built with
// `swift build --package-path Tests/Fuzz --sanitize=fuzzer --sanitize=address`.
import PackageDescription

// libFuzzer supplies `main`; each target exports `LLVMFuzzerTestOneInput` instead.
let fuzzTarget: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "ReplicaCacheFuzz",
    dependencies: [.package(name: "ReplicaCache", path: "../..")],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(
            name: "FuzzText",
            dependencies: ["FuzzSupport", .product(name: "Protocol", package: "ReplicaCache")],
            swiftSettings: fuzzTarget),
        .executableTarget(
            name: "FuzzBinary",
            dependencies: ["FuzzSupport", .product(name: "Protocol", package: "ReplicaCache")],
            swiftSettings: fuzzTarget),
        .executableTarget(
            name: "FuzzReplication",
            dependencies: [
                "FuzzSupport", .product(name: "Protocol", package: "ReplicaCache"),
                .product(name: "Storage", package: "ReplicaCache"),
                .product(name: "Replication", package: "ReplicaCache"),
            ],
            swiftSettings: fuzzTarget),
    ]
)
