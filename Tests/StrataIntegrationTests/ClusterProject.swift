import Foundation
import Strata

/// A project directory whose `strata.yml` has one environment per server of a cluster, for
/// the tests of clusters, poolers and standbys.
struct ClusterProject {
    let directory: TemporaryDirectory

    /// A project with `environments` (name → URL) and `migrations` as up sections (`-- migrate:up
    /// OPTIONS` when `upOptions` is given), each with an empty down section.
    init(environments: [(name: String, url: String)], migrations: [(version: String, name: String, up: String)], upOptions: String = "") throws {
        directory = try TemporaryDirectory()
        var yaml = "environments:\n"
        for environment in environments { yaml += "  \(environment.name):\n    url: \"\(environment.url)\"\n" }
        try yaml.write(toFile: directory.path + "/strata.yml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.path + "/db/migrations", withIntermediateDirectories: true)
        for migration in migrations { try write(migration, upOptions: upOptions) }
    }

    var path: String { directory.path }

    /// Writes (or rewrites) one migration file.
    func write(_ migration: (version: String, name: String, up: String), upOptions: String = "") throws {
        try "-- migrate:up \(upOptions)\n\(migration.up)\n-- migrate:down\n".write(
            toFile: "\(directory.path)/db/migrations/\(migration.version)-\(migration.name).sql", atomically: true, encoding: .utf8)
    }

    /// Appends `lines` to `strata.yml` under the environment last written.
    func appendToLastEnvironment(_ lines: String) throws {
        let file = directory.path + "/strata.yml"
        try (try String(contentsOfFile: file, encoding: .utf8) + lines).write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// Runs `strata ARGUMENTS` here.
    func strata(_ arguments: [String]) async throws -> StrataProcess.Result {
        try await StrataProcess.run(arguments, in: directory.path)
    }

    /// Starts `strata ARGUMENTS` here without waiting.
    func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        try StrataProcess.start(arguments, in: directory.path)
    }

    func remove() { directory.remove() }

    /// `count` migrations that each create a table `t_NN`.
    static func tableMigrations(_ count: Int) -> [(version: String, name: String, up: String)] {
        (1...count).map { number in
            (String(format: "20250101%06d", number), "create-t-\(number)", String(format: "CREATE TABLE t_%02d (id INTEGER PRIMARY KEY);", number))
        }
    }
}

/// The URL `url` with its path naming `database` and the query items `query` added.
func clusterURL(_ url: String, database: String? = nil, query: String? = nil) throws -> String {
    guard var components = URLComponents(string: url) else { throw StrataError.configuration("not a URL: \(url)") }
    if let database { components.path = "/" + database }
    var text = components.string ?? url
    if let query { text += (text.contains("?") ? "&" : "?") + query }
    return text
}

/// Waits until `condition` holds, checking every 100 ms for at most `seconds`; returns whether it held.
/// It returns as soon as the condition holds, so the bound is for failures only: tests pass
/// 120 s, because under the whole suite on two cores a step that takes milliseconds alone
/// has taken tens of seconds (see `withWatchdog`).
func eventually(within seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}
