// swift-tools-version:6.2
import PackageDescription

// A server app's own migration tool: its Swift migrations, with every `strata` command,
// in one executable (`swift run migrate status`). Strata comes from this repository by path.
let package = Package(
    name: "TodoApp",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Strata", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "migrate",
            dependencies: [
                .product(name: "Strata", package: "Strata"),
                .product(name: "StrataCLI", package: "Strata"),
            ],
            path: "Sources/Migrate",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
