// swift-tools-version:6.2
import PackageDescription

// libFuzzer targets for Strata's parsers: the statement splitter (every dialect's syntax),
// the SQL migration file parser, strata.yml with variable interpolation, and database URLs.
// A package of its own, so the sanitizer flags touch only what it builds; Strata comes from
// this repository by path. Reliability/fuzz.py builds and runs them (Fuzz/README.md).

/// One executable a parser, each defining `LLVMFuzzerTestOneInput` (Sources/<name>).
let fuzzTargets = ["FuzzStatementSplitter", "FuzzMigrationParser", "FuzzConfiguration", "FuzzInterpolation", "FuzzDatabaseURL"]

let package = Package(
    name: "StrataFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Strata", path: ".."),
    ],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [.product(name: "Strata", package: "Strata")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ] + fuzzTargets.map { name in
        .executableTarget(
            name: name,
            dependencies: ["FuzzSupport", .product(name: "Strata", package: "Strata")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    }
)
