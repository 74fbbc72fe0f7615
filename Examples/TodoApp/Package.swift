// swift-tools-version:6.2
import PackageDescription

// TodoApp: one set of migrations, three executables.
// - `todo-server`, a Hummingbird 2 app that checks its database before it serves;
// - `todo-vapor`, the same app on Vapor 4, with `todo-vapor strata <command>` built in;
// - `migrate`, every `strata` command over the Swift migrations, for the Hummingbird app
//   (`swift run migrate deploy -- .build/debug/todo-server`).
// Strata comes from this repository by path, with the traits of both integrations on: an app
// that uses only one of them turns on only its trait, and never builds the other framework.
let package = Package(
    name: "TodoApp",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Strata", path: "../..", traits: ["Hummingbird", "Vapor"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
    ],
    targets: [
        // The Swift migrations and their registry, shared by the three executables.
        .target(
            name: "TodoMigrations",
            dependencies: [.product(name: "Strata", package: "Strata")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // What both servers read: the todos, through the app's Strata database.
        .target(
            name: "TodoStore",
            dependencies: [.product(name: "StrataCLI", package: "Strata")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "migrate",
            dependencies: [
                "TodoMigrations",
                .product(name: "StrataCLI", package: "Strata"),
            ],
            path: "Sources/Migrate",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "todo-server",
            dependencies: [
                "TodoMigrations", "TodoStore",
                .product(name: "StrataHummingbird", package: "Strata"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Sources/TodoServer",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "todo-vapor",
            dependencies: [
                "TodoMigrations", "TodoStore",
                .product(name: "StrataVapor", package: "Strata"),
                .product(name: "Vapor", package: "vapor"),
            ],
            path: "Sources/TodoVapor",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
