// swift-tools-version:6.1
import PackageDescription

let x509: Target.Dependency = .product(name: "X509", package: "swift-certificates")
let asn1: Target.Dependency = .product(name: "SwiftASN1", package: "swift-asn1")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")

let package = Package(
    name: "CALKit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "CALCore", targets: ["CALCore"]),
        .library(name: "CALLicensing", targets: ["CALLicensing"]),
        .library(name: "CALClient", targets: ["CALClient"]),
        .library(name: "CALClearinghouse", targets: ["CALClearinghouse"]),
        .library(name: "CALLicenseServer", targets: ["CALLicenseServer"]),
        .library(name: "CALStore", targets: ["CALStore"]),
        .library(name: "CALHost", targets: ["CALHost"]),
        .library(name: "CALWire", targets: ["CALWire"]),
        .library(name: "CALService", targets: ["CALService"]),
        .library(name: "CALServiceClient", targets: ["CALServiceClient"]),
        .library(name: "CALFuzzing", targets: ["CALFuzzing"]),
        .executable(name: "calkit", targets: ["calkit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "CALCore",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // Every licensing rule, as pure functions over plain values: no files, no SQL, no clock.
        .target(name: "CALLicensing", dependencies: ["CALCore"]),
        // swift-crypto only for the audit log's SHA-256 hash chain; postgres-nio (and its NIO) for the PostgreSQL ledger.
        .target(
            name: "CALStore",
            dependencies: [
                "CALCore", "CALLicensing", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"), crypto,
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "CALClient", dependencies: ["CALCore", "CALLicensing", x509, crypto, asn1]),
        .target(name: "CALClearinghouse", dependencies: ["CALCore", "CALLicensing", "CALStore", x509, crypto]),
        .target(name: "CALLicenseServer", dependencies: ["CALCore", "CALLicensing", "CALStore", x509, .product(name: "CoreMetrics", package: "swift-metrics")]),
        .target(name: "CALHost", dependencies: ["CALCore", "CALLicensing", "CALClient", "CALStore", x509]),
        // The messages of the HTTP API and the error-code <-> status table, shared by both sides.
        .target(name: "CALWire", dependencies: ["CALCore", x509]),
        // The services (Hummingbird): one controller per resource, failures mapped in one middleware; the
        // web pages (swift-mustache templates, no JavaScript) for customers, the operator and the administrator.
        .target(
            name: "CALService",
            dependencies: [
                "CALCore", "CALWire", "CALLicenseServer", "CALClearinghouse", x509,
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // What hosts, clients and the CLI use to reach the services (AsyncHTTPClient, one shared client).
        .target(
            name: "CALServiceClient",
            dependencies: [
                "CALCore", "CALWire", x509,
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Every parser a file or request reaches, as fuzz entry points (`make fuzz`, Fuzz/).
        .target(name: "CALFuzzing", dependencies: ["CALCore", "CALWire", x509, asn1]),
        .executableTarget(
            name: "calkit",
            dependencies: [
                "CALCore", "CALLicensing", "CALClient", "CALClearinghouse", "CALLicenseServer", "CALStore", "CALHost", "CALWire", "CALService", "CALServiceClient", x509,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "CALBench",
            dependencies: [
                "CALCore", "CALLicensing", "CALClient", "CALClearinghouse", "CALLicenseServer", "CALStore", "CALWire", "CALTestSupport", x509, crypto, asn1,
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Benchmarks/CALBench",
            exclude: ["Peers/python_mint.py", "Peers/openssl_crl.py", "Peers/cfssl_crl.py", "Peers/ledger_fill.py"]
        ),
        .target(
            name: "CALTestSupport",
            dependencies: ["CALCore", "CALClient", "CALClearinghouse", "CALLicenseServer", "CALHost", "CALStore", x509],
            path: "Tests/CALTestSupport"
        ),
        .testTarget(name: "CALLicensingTests", dependencies: ["CALLicensing", "CALCore"]),
        .testTarget(name: "CALCoreTests", dependencies: ["CALCore", "CALTestSupport", x509, asn1]),
        .testTarget(name: "CALStoreTests", dependencies: ["CALStore", "CALCore", "CALLicensing", "CALTestSupport"]),
        .testTarget(name: "CALClientTests", dependencies: ["CALClient", "CALCore", "CALLicenseServer", "CALTestSupport", x509]),
        .testTarget(
            name: "CALClearinghouseTests",
            dependencies: ["CALClearinghouse", "CALLicenseServer", "CALClient", "CALCore", "CALTestSupport", x509]
        ),
        .testTarget(
            name: "CALLicenseServerTests",
            dependencies: [
                "CALLicenseServer", "CALLicensing", "CALClearinghouse", "CALClient", "CALCore", "CALStore", "CALTestSupport", x509, asn1,
            ]
        ),
        .testTarget(
            name: "CALHostTests",
            dependencies: ["CALHost", "CALLicensing", "CALLicenseServer", "CALClearinghouse", "CALClient", "CALCore", "CALStore", "CALTestSupport", x509]
        ),
        .testTarget(name: "calkitTests", dependencies: ["CALCore", "CALStore", "CALTestSupport", x509, asn1]),
        .testTarget(
            name: "CALServiceTests",
            dependencies: [
                "CALService", "CALWire", "CALLicenseServer", "CALClearinghouse", "CALClient", "CALCore", "CALTestSupport", x509,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "CALFuzzingTests", dependencies: ["CALFuzzing", "CALTestSupport"]),
        .testTarget(
            name: "InteropTests", dependencies: ["CALCore", "CALClient", "CALClearinghouse", "CALLicenseServer", "CALTestSupport", x509, asn1]
        ),
    ]
)
