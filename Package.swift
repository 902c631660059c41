// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "registry",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "registry", targets: ["registry"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Registry", targets: ["Registry"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.20.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.0.0"),
        // Property-based tests over the write path (tests only).
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // Debian's liblmdb-dev.
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        // Debian's libssl-dev: SHA-256 for the log's hash chain.
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // Debian's libxlsxwriter-dev: reports as Excel workbooks.
        .systemLibrary(
            name: "CXLSXWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // The domain-free append-only log.
        .target(
            name: "EventLog",
            dependencies: [
                "CLMDB",
                "CLibCrypto",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Concurrency.md"]
        ),
        // Events, validation, municipalities, periods, projections, reports.
        .target(
            name: "Registry",
            dependencies: ["EventLog", "CXLSXWriter"]
        ),
        // HTTP API and web pages.
        .target(
            name: "RegistryServer",
            dependencies: [
                "Registry",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "registry",
            dependencies: [
                "Registry",
                "RegistryServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks and data generators, run by hand (see README).
        .systemLibrary(
            name: "CSQLite",
            path: "Tools/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .executableTarget(
            name: "registry-bench",
            dependencies: ["Registry", "EventLog", "CLMDB", "CSQLite"],
            path: "Tools/RegistryBench"
        ),
        // Fixtures shared by the test targets.
        .target(
            name: "TestSupport",
            dependencies: ["EventLog", .product(name: "PropertyBased", package: "swift-property-based")],
            path: "Tests/TestSupport"
        ),
        // swift-crypto's SHA-256 checks the log's own (OpenSSL) hash chain independently.
        .testTarget(
            name: "EventLogTests",
            dependencies: ["EventLog", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "RegistryTests",
            dependencies: [
                "Registry", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "RegistryServerTests",
            dependencies: [
                "RegistryServer",
                "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "RegistryCLITests", dependencies: ["registry", "Registry", "TestSupport"]),
    ]
)
