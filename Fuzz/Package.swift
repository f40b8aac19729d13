// swift-tools-version:6.1
// The libFuzzer driver, a package of its own so that `-sanitize=fuzzer` never touches the main
// build. Built and run by `make fuzz`.
import PackageDescription

let package = Package(
    name: "CALKitFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "CALKit", path: "..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "calkit-fuzz",
            dependencies: ["CFuzzerDriver", .product(name: "CALFuzzing", package: "CALKit")]
        ),
    ]
)
