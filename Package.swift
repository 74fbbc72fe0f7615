// swift-tools-version:6.2
import PackageDescription

/// Upcoming language features switched on package-wide, as Hummingbird does.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Strata",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Strata", targets: ["Strata"]),
        .library(name: "StrataSQLite", targets: ["StrataSQLite"]),
        .library(name: "StrataPostgres", targets: ["StrataPostgres"]),
        .library(name: "StrataMySQL", targets: ["StrataMySQL"]),
        .library(name: "StrataCLI", targets: ["StrataCLI"]),
        // The integrations, each behind the trait of the same name, so that an app using
        // only Strata never resolves into building Hummingbird or Vapor.
        .library(name: "StrataHummingbird", targets: ["StrataHummingbird"]),
        .library(name: "StrataVapor", targets: ["StrataVapor"]),
        .executable(name: "strata", targets: ["strata"]),
    ],
    traits: [
        .trait(
            name: "MySQL",
            description: "The MySQL/MariaDB driver, on the MariaDB Connector/C (apt-get install libmariadb-dev)."
        ),
        .trait(
            name: "Hummingbird",
            description: "StrataHummingbird: the start-up check or migration as a Hummingbird 2 application starts."
        ),
        .trait(
            name: "Vapor",
            description: "StrataVapor: app.strata, the start-up check as a lifecycle handler, and `strata` as a Vapor command."
        ),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", "5.0.1"..<"7.0.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
    ],
    targets: [
        // Core: migrations, planner, runner, history, configuration. Knows no driver.
        .target(
            name: "Strata",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strictSettings
        ),
        // SQLite driver and dialect, on the SQLite that SQLiteNIO bundles (VaporCSQLite), used
        // through its C API on a thread per connection.
        .target(
            name: "StrataSQLite",
            dependencies: [
                "Strata",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // PostgreSQL driver and dialect, on PostgresNIO.
        .target(
            name: "StrataPostgres",
            dependencies: [
                "Strata",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The MariaDB Connector/C's headers, used only with the MySQL trait. The library is not
        // linked: the driver opens it when it first connects (StrataMySQL/MariaDBLibrary.swift).
        .systemLibrary(
            name: "CMariaDB",
            providers: [.apt(["libmariadb-dev"])]
        ),
        // MySQL/MariaDB driver and dialect. Without the MySQL trait the dialect is there and
        // the driver explains how to get MySQL support.
        .target(
            name: "StrataMySQL",
            dependencies: [
                "Strata",
                .target(name: "CMariaDB", condition: .when(traits: ["MySQL"])),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The commands, embeddable in a user's own executable.
        .target(
            name: "StrataCLI",
            dependencies: [
                "Strata",
                "StrataSQLite",
                "StrataPostgres",
                "StrataMySQL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Hummingbird 2: the start-up check or migration before the server starts. Empty but
        // for a pointer to the trait unless the Hummingbird trait is on.
        .target(
            name: "StrataHummingbird",
            dependencies: [
                "Strata", "StrataCLI",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
            ],
            swiftSettings: strictSettings
        ),
        // Vapor 4: app.strata, the start-up check as a lifecycle handler, `strata` as a command.
        // Empty but for a pointer to the trait unless the Vapor trait is on.
        .target(
            name: "StrataVapor",
            dependencies: [
                "Strata", "StrataCLI",
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
            ],
            swiftSettings: strictSettings
        ),
        // The standalone `strata` binary: SQL-file migrations only.
        .executableTarget(
            name: "strata",
            dependencies: ["StrataCLI"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StrataTests",
            dependencies: ["Strata"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StrataIntegrationTests",
            dependencies: [
                "Strata", "StrataSQLite", "StrataPostgres", "StrataMySQL", "StrataCLI", "strata",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
